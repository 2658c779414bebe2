package engine

import (
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
)

// traceWriter records every observation the liveness session sees, as
// the evidence package will hold it.
type traceWriter struct {
	trace evidence.Trace
	slab  [][3]float32 // backing store of the frames' Points, allocated once
}

// maxFPS bounds the frames a session's trace is sized for: phone cameras
// deliver at most 60 fps for the preview.
const maxFPS = 60

func (w *traceWriter) init(p *liveness.Plan) {
	for _, i := range liveness.TracePoints {
		w.trace.Indices = append(w.trace.Indices, uint16(i))
	}
	n := int(p.Config.Timeout.Seconds()+1) * maxFPS
	w.trace.Frames = make([]evidence.Frame, 0, n)
	w.slab = make([][3]float32, n*len(liveness.TracePoints))
}

// record appends o to the trace, quantized as the package stores it, and
// turns o into what the server will read back: the trace's landmarks only,
// at the trace's precision. The liveness session then decides on exactly
// the numbers the server re-runs it on. Past the sized capacity, frames are
// still decided on but the trace grows by allocation.
func (w *traceWriter) record(o *liveness.Observation) {
	k := len(w.trace.Frames)
	n := len(w.trace.Indices)
	var pts [][3]float32
	if (k+1)*n <= len(w.slab) {
		pts = w.slab[k*n : (k+1)*n : (k+1)*n]
	} else {
		pts = make([][3]float32, n)
	}
	w.trace.Frames = append(w.trace.Frames, evidence.Frame{Points: pts})
	f := &w.trace.Frames[k]
	toTrace(o, w.trace.Indices, f)
	evidence.Quantize(f)
	FromTrace(f, w.trace.Indices, o)
}

// toTrace copies an observation into a trace frame.
func toTrace(o *liveness.Observation, idx []uint16, f *evidence.Frame) {
	f.T, f.TrackID, f.Faces, f.FrameW, f.FrameH = o.T, o.TrackID, o.Faces, o.FrameW, o.FrameH
	f.Yaw, f.Pitch, f.Roll = o.Yaw, o.Pitch, o.Roll
	f.EyeOpen, f.MouthOpen = o.EyeOpen, o.MouthOpen
	f.Box = [4]float32{o.Box.X, o.Box.Y, o.Box.X + o.Box.W, o.Box.Y + o.Box.H}
	for r := range f.Regions {
		f.Regions[r] = o.Regions[r]
	}
	if len(o.Landmarks) != liveness.MeshPoints {
		clear(f.Points) // no face: the landmarks are not read
		return
	}
	for j, i := range idx {
		f.Points[j] = o.Landmarks[i]
	}
}

// FromTrace fills o from a trace frame whose Points are the landmarks idx
// names; the other landmarks are zero. o.Landmarks must hold
// liveness.MeshPoints points. The server re-runs the liveness decision on
// observations made this way, as the device did.
func FromTrace(f *evidence.Frame, idx []uint16, o *liveness.Observation) {
	o.T, o.TrackID, o.Faces, o.FrameW, o.FrameH = f.T, f.TrackID, f.Faces, f.FrameW, f.FrameH
	o.Yaw, o.Pitch, o.Roll = f.Yaw, f.Pitch, f.Roll
	o.EyeOpen, o.MouthOpen = f.EyeOpen, f.MouthOpen
	o.Box = imgproc.Rect{X: f.Box[0], Y: f.Box[1], W: f.Box[2] - f.Box[0], H: f.Box[3] - f.Box[1]}
	for r := range o.Regions {
		o.Regions[r] = f.Regions[r]
	}
	clear(o.Landmarks)
	for j, i := range idx {
		if int(i) < len(o.Landmarks) {
			o.Landmarks[i] = f.Points[j]
		}
	}
}
