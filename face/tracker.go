package face

import (
	"cmp"
	"slices"
	"time"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/internal/geom"
	"github.com/liveid/liveid/models"
)

// Result is what the Tracker says about one frame (or, from Faces, about
// one face of a still).
type Result struct {
	// Found: a face is tracked in this frame. When false only Quality
	// (NoFace), Faces and Detected are set.
	Found bool
	// TrackID identifies the face across frames; ids start at 1 and are
	// never reused by a Tracker. NewTrack marks the first frame of a track:
	// the face may be another person's, so liveness must start over.
	TrackID  uint64
	NewTrack bool
	// Detected: the detector ran on this frame; Detection is then the
	// detection the track was matched to (for Faces, the face's own).
	Detected  bool
	Detection Detection
	// Faces is the number of faces the latest detection found.
	Faces int
	// Mesh is the smoothed mesh, Raw the model's own for this frame.
	Mesh, Raw Mesh
	Signals   Signals
	Quality   Quality
	// Score is the best-frame score in 0..1: the product of six factors,
	// each clamped to 0..1, so that any one bad aspect sinks the frame:
	//
	//	presence × pose × sharp × eyes × light × centred
	//	pose    = 1 − max(|yaw|/MaxYaw, |pitch|/MaxPitch, |roll|/MaxRoll)
	//	sharp   = (Focus − MinSharpness) / MinSharpness: 0 at the Blurred
	//	          limit, 1 from twice it
	//	eyes    = (min(eye ratios) − ClosedEye) / ClosedEye
	//	light   = min(luma − MinLuma, MaxLuma − luma) / 40 × (1 − clipped
	//	          fraction): full marks 40 levels inside both limits
	//	centred = 1 − |face centre − frame centre| / (half the shorter side)
	//
	// with the limits of Config. Frames with NoFace, MultipleFaces,
	// PartlyOutOfFrame or Occluded score 0.
	Score float32
}

// Tracker follows the most prominent face through a stream of frames.
type Tracker struct {
	cfg  Config
	det  *Detector
	lm   *Landmarker
	dets []Detection

	tracking    bool
	id          uint64 // last id issued
	roi         ROI    // where to look in the next frame
	sinceDetect int
	faces       int
	prevBox     imgproc.Rect // raw mesh box of the previous frame
	prevTS      time.Duration
	filt        [3 * MeshPoints]euro
	irisEvery   int // measure the eyes on one frame in irisEvery (SetIrisEvery)
	sinceIris   int // frames since the eyes were last measured
}

// NewTracker loads the detector, mesh and iris models from the model
// directory dir. The runtime must have been started (models.InitRuntime).
func NewTracker(dir string, o models.Options, cfg Config) (*Tracker, error) {
	det, err := NewDetector(dir, o, cfg)
	if err != nil {
		return nil, err
	}
	lm, err := NewLandmarker(dir, o, true)
	if err != nil {
		det.Close()
		return nil, err
	}
	return &Tracker{cfg: cfg, det: det, lm: lm, irisEvery: 1}, nil
}

// SetIrisEvery makes Process run the iris model on one frame in n (n ≤ 1:
// every frame, the default). The iris model costs three times the mesh,
// and only a blink or an eyes-open check needs the eyes frame by frame; on
// the frames between, the last measured eyelids and irises are carried,
// placed on the new frame's eye corners, so the eye ratios hold their last
// value. A track the detector starts, or a face found again, is measured
// at once; a track started because the face jumped (MaxJump) is measured
// from the next frame. Stills (Largest, Faces) always measure.
func (t *Tracker) SetIrisEvery(n int) { t.irisEvery = max(n, 1) }

// Close releases the models.
func (t *Tracker) Close() error {
	t.det.Close()
	return t.lm.Close()
}

// Reset forgets the tracked face; the next frame starts a new track.
func (t *Tracker) Reset() {
	t.tracking = false
	t.lm.forgetEyes()
}

// Process tracks the face in frame f, whose Timestamp must grow from frame
// to frame (smoothing and speed use it), and fills r.
func (t *Tracker) Process(f *imgproc.Frame, r *Result) error {
	r.Found, r.NewTrack, r.Detected, r.Quality, r.Score = false, false, false, 0, 0
	if !t.tracking || t.sinceDetect+1 >= t.cfg.DetectEvery {
		if err := t.redetect(f, r, false); err != nil || !t.tracking {
			return err
		}
	} else {
		t.sinceDetect++
	}
	eyes := t.sinceIris+1 >= t.irisEvery
	measured, err := t.lm.run(f, t.roi, &r.Raw, eyes)
	if err != nil {
		return err
	}
	if r.Raw.Presence < t.cfg.MinPresence && !r.Detected {
		// Lost the face from the previous ROI: look for it afresh.
		if err := t.redetect(f, r, true); err != nil || !t.tracking {
			return err
		}
		if measured, err = t.lm.run(f, t.roi, &r.Raw, eyes); err != nil {
			return err
		}
	}
	if r.Raw.Presence < t.cfg.MinPresence {
		t.lose(r)
		return nil
	}
	if t.sinceIris++; measured {
		t.sinceIris = 0
	}
	box := r.Raw.Box()
	if !r.NewTrack && dist(center(box), center(t.prevBox)) > t.cfg.MaxJump*t.prevBox.W {
		t.newTrack(r)
	}
	t.roi = ROIFromMesh(&r.Raw)
	return t.finish(f, r, box)
}

// redetect runs the detector and matches its faces to the track: the track
// goes on if a face overlaps its ROI, else the largest face starts a new
// one. No face ends the track. A matched face's ROI replaces the mesh's
// only when adopt is set (the mesh has just lost the face): otherwise the
// mesh-derived ROI is the better aligned one.
func (t *Tracker) redetect(f *imgproc.Frame, r *Result, adopt bool) error {
	var err error
	if t.dets, err = t.det.Detect(f, t.dets); err != nil {
		return err
	}
	t.faces, t.sinceDetect = len(t.dets), 0
	r.Detected, r.Faces = true, t.faces
	if len(t.dets) == 0 {
		t.lose(r)
		return nil
	}
	if t.tracking {
		best, bestIoU := 0, float32(0)
		for i, d := range t.dets {
			if v := IoU(ROIFromDetection(d).square(), t.roi.square()); v > bestIoU {
				best, bestIoU = i, v
			}
		}
		if bestIoU >= t.cfg.NewTrackIoU {
			r.Detection = t.dets[best]
			if adopt {
				t.roi = ROIFromDetection(r.Detection)
			}
			return nil
		}
	}
	r.Detection = t.dets[largest(t.dets)]
	t.roi = ROIFromDetection(r.Detection)
	t.newTrack(r)
	return nil
}

func largest(ds []Detection) int {
	best := 0
	for i, d := range ds {
		if d.Box.W*d.Box.H > ds[best].Box.W*ds[best].Box.H {
			best = i
		}
	}
	return best
}

func (t *Tracker) newTrack(r *Result) {
	t.id++
	t.tracking = true
	r.NewTrack = true
	t.lm.forgetEyes()
	for i := range t.filt {
		t.filt[i].ready = false
	}
}

func (t *Tracker) lose(r *Result) {
	t.tracking = false
	t.lm.forgetEyes()
	r.Found, r.TrackID, r.Quality = false, 0, NoFace
	r.Faces = t.faces
}

// finish smooths the mesh and fills the signals, codes and score.
func (t *Tracker) finish(f *imgproc.Frame, r *Result, box imgproc.Rect) error {
	dt := float32(1.0 / 30) // for the first frame, or timestamps that do not grow
	if d := f.Timestamp - t.prevTS; d > 0 && !r.NewTrack {
		dt = float32(d.Seconds())
	}
	r.Found, r.TrackID, r.Faces = true, t.id, t.faces
	r.Mesh = r.Raw
	scale := max(box.W, 1)
	for i := range r.Mesh.Points {
		p := &r.Mesh.Points[i]
		p.X = t.filt[3*i].step(p.X, dt, scale, &t.cfg)
		p.Y = t.filt[3*i+1].step(p.Y, dt, scale, &t.cfg)
		p.Z = t.filt[3*i+2].step(p.Z, dt, scale, &t.cfg)
	}
	if err := measure(f, &r.Mesh, &r.Signals); err != nil {
		return err
	}
	r.Signals.Speed = 0
	if !r.NewTrack {
		move := dist(center(box), center(t.prevBox)) / scale
		grow := geom.Abs32(box.W-t.prevBox.W) / scale
		r.Signals.Speed = max(move, grow) / dt
	}
	t.prevBox, t.prevTS = box, f.Timestamp
	w, h := f.Upright()
	r.Quality = t.cfg.assess(&r.Signals, &r.Mesh, w, h, t.faces)
	r.Score = t.cfg.score(&r.Signals, r.Quality, w, h)
	return nil
}

// Faces analyses every face of a still image, in detection order (best
// score first), without touching the track. Each Result has Detected set,
// TrackID 0 and Speed 0; Found is false for a detection the mesh rejects.
func (t *Tracker) Faces(f *imgproc.Frame, dst []Result) ([]Result, error) {
	var err error
	if t.dets, err = t.det.Detect(f, t.dets); err != nil {
		return dst[:0], err
	}
	dst = dst[:0]
	for _, d := range t.dets {
		var r Result
		if err := t.still(f, d, &r); err != nil {
			return dst, err
		}
		dst = append(dst, r)
	}
	return dst, nil
}

// Largest analyses the largest face of a still image, as Faces does each:
// the largest detection whose mesh confirms it. Found is false when there
// is none; Faces counts every detection. It runs the mesh (twice) only on
// the detections it tries, where Faces runs it on every one.
func (t *Tracker) Largest(f *imgproc.Frame, r *Result) error {
	var err error
	if t.dets, err = t.det.Detect(f, t.dets); err != nil {
		return err
	}
	slices.SortFunc(t.dets, func(a, b Detection) int { return cmp.Compare(b.Box.W*b.Box.H, a.Box.W*a.Box.H) })
	*r = Result{Faces: len(t.dets)}
	for _, d := range t.dets {
		if err := t.still(f, d, r); err != nil || r.Found {
			return err
		}
	}
	return nil
}

// still fills r for detection d of a still frame.
func (t *Tracker) still(f *imgproc.Frame, d Detection, r *Result) error {
	w, h := f.Upright()
	*r = Result{Detected: true, Detection: d, Faces: len(t.dets)}
	// A second pass on the mesh's own ROI aligns the crop as tracking
	// would.
	if err := t.lm.Run(f, ROIFromDetection(d), &r.Raw); err != nil {
		return err
	}
	err := t.lm.Run(f, ROIFromMesh(&r.Raw), &r.Raw)
	t.lm.forgetEyes() // a still's eyes are not the tracked face's
	if err != nil {
		return err
	}
	r.Found = r.Raw.Presence >= t.cfg.MinPresence
	r.Mesh = r.Raw
	if err := measure(f, &r.Mesh, &r.Signals); err != nil {
		return err
	}
	r.Quality = t.cfg.assess(&r.Signals, &r.Mesh, w, h, len(t.dets))
	r.Score = t.cfg.score(&r.Signals, r.Quality, w, h)
	return nil
}
