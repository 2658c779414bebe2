// Package bench runs liveid's stages next to peer implementations on the
// same inputs, so speed and accuracy are reported as figures from one run.
// It defines the Detector interface that liveid's detector and the peers
// share; the peers themselves (OpenCV through gocv, pigo) live in
// bench/peers, so that a build without them links neither. Nothing here
// goes to phones.
package bench
