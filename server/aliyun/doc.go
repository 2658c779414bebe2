// Package aliyun is the verification server's Aliyun-compatible facade:
// InitFaceVerify and DescribeFaceVerify of cloudauth API version
// 2019-03-07, RPC style, with Aliyun's parameter and response field
// names, so that a backend written against Aliyun's SDK switches by
// changing its endpoint and keys. Requests are authenticated with
// Aliyun's V3 signature (ACS3-HMAC-SHA256, what the official SDKs send):
// the AccessKeyId is a liveid API key id, the AccessKeySecret its secret.
//
// The facade maps onto the native API: OuterOrderNo is the order number,
// CertifyId the verification id, FaceContrastPicture the reference photo
// (compare photo), Model the liveness actions; CertifyUrl is a data: URL
// holding the challenge the app runs its engine session on (there is no
// hosted H5 page). DescribeFaceVerify gives Passed T/F, a SubCode mapped
// from the server's reasons (SubCode), MaterialInfo with the scores and,
// with PictureReturnType=url, the best frame as a data: URL, and DeviceRisk
// with the risk signals. docs/server.md lists the mapping.
package aliyun
