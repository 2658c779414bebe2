// Drives the verification server with Aliyun's official cloudauth SDK, as a
// backend written against Aliyun would. Usage:
//   SDK_DIR=<dir with node_modules> ENDPOINT=127.0.0.1:port AK=... SK=... node flow.cjs init '<json params>'
//   ... node flow.cjs describe '<json params>'
// Prints the response body, or {"error": {code, statusCode, message}}.
const path = require('path');
const sdk = require(path.join(process.env.SDK_DIR, 'node_modules/@alicloud/cloudauth20190307'));
const { $OpenApiUtil } = require(path.join(process.env.SDK_DIR, 'node_modules/@alicloud/openapi-core'));

const client = new sdk.default(new $OpenApiUtil.Config({
  accessKeyId: process.env.AK,
  accessKeySecret: process.env.SK,
  endpoint: process.env.ENDPOINT,
  protocol: 'http',
  readTimeout: 20000,
  connectTimeout: 5000,
}));

async function main() {
  const [action, json] = process.argv.slice(2);
  const params = JSON.parse(json || '{}');
  let res;
  if (action === 'init') {
    res = await client.initFaceVerify(new sdk.InitFaceVerifyRequest(params));
  } else if (action === 'describe') {
    res = await client.describeFaceVerify(new sdk.DescribeFaceVerifyRequest(params));
  } else {
    throw new Error('unknown action ' + action);
  }
  console.log(JSON.stringify(res.body));
}

main().catch((e) => {
  console.log(JSON.stringify({ error: { code: e.code, statusCode: e.statusCode, message: String(e.message) } }));
});
