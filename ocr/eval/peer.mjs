// Reads each listed image with @gutenye/ocr-node on liveid's PP-OCR model
// files and prints one JSON line per image: its recognised lines and the
// milliseconds detect() took. Arguments: det.onnx rec.onnx keys.txt list.
import fs from 'node:fs'
import Ocr from '@gutenye/ocr-node'

const [detectionPath, recognitionPath, dictionaryPath, list] = process.argv.slice(2)
const ocr = await Ocr.create({ models: { detectionPath, recognitionPath, dictionaryPath } })
const files = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean)
if (files.length > 0) {
  await ocr.detect(files[0]) // warm-up, untimed, as liveid's sessions are warm
}
for (const file of files) {
  const start = process.hrtime.bigint()
  const lines = await ocr.detect(file)
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  process.stdout.write(JSON.stringify({ file, ms, lines: lines.map((l) => l.text) }) + '\n')
}
