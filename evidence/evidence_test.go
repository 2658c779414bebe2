package evidence

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func testKey(t testing.TB, id string) *PrivateKey {
	t.Helper()
	k, err := GenerateKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// session is a plausible body: n frames of a face swaying at 30 fps with
// sensor noise, 80 landmarks, three 224-px best frames.
func session(t testing.TB, n int) *Body {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	b := &Body{
		Passive: []PassiveScore{{0.6, 0.9}, {0.62, 0.91}, {0.58, 0.88}},
		Local:   Decision{Pass: true, Reasons: []string{}},
		Models:  map[string]string{"blazeface": "ab12", "facemesh": "cd34"},
		Compare: &CompareResult{Model: "faceres", Reference: "photo", Similarity: 0.71, Score: 77.5, Pass: true},
	}
	for i := range 80 {
		b.Trace.Indices = append(b.Trace.Indices, uint16(i*5))
	}
	for k := range n {
		tt := float64(k) / 30
		f := Frame{T: time.Duration(k) * time.Second / 30, TrackID: 3, Faces: 1, FrameW: 720, FrameH: 1280,
			Yaw: float32(10 * math.Sin(tt)), Pitch: float32(5 * math.Cos(tt)), Roll: float32(rng.NormFloat64()),
			EyeOpen: [2]float32{0.3 + 0.01*float32(rng.NormFloat64()), 0.31}, MouthOpen: 0.05,
			Box: [4]float32{200 + float32(tt), 400, 520, 780}}
		for r := range f.Regions {
			for c := range 3 {
				f.Regions[r][c] = 0.4 + 0.05*float32(math.Sin(tt*7+float64(c))) + 0.002*float32(rng.NormFloat64())
			}
		}
		for i := range b.Trace.Indices {
			f.Points = append(f.Points, [3]float32{
				200 + float32(i*4) + 5*float32(math.Sin(tt)) + 0.5*float32(rng.NormFloat64()),
				400 + float32(i*3) + 0.5*float32(rng.NormFloat64()),
				-20 + float32(i%7) + 0.5*float32(rng.NormFloat64())})
		}
		b.Trace.Frames = append(b.Trace.Frames, f)
	}
	for k := range 3 {
		b.BestFrames = append(b.BestFrames, BestFrame{T: time.Duration(k) * time.Second, Score: 0.8, Width: 224, Height: 224, JPEG: faceJPEG(t, rng)})
	}
	return b
}

// faceJPEG is a 224-px crop with skin-like shading and noise, encoded at
// quality 90 as the engine keeps its best frames.
func faceJPEG(t testing.TB, rng *rand.Rand) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 224, 224))
	for y := range 224 {
		for x := range 224 {
			d := math.Hypot(float64(x-112), float64(y-112)) / 112
			v := 200 - 80*d + 6*rng.NormFloat64()
			img.Set(x, y, color.RGBA{uint8(min(max(v, 0), 255)), uint8(min(max(0.8*v, 0), 255)), uint8(min(max(0.7*v, 0), 255)), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func header() Header {
	return Header{Engine: "liveid test", VerificationID: "ver-1", PlanHash: "00ff",
		CaptureStart: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), CaptureEnd: time.Date(2026, 12, 1, 10, 0, 9, 0, time.UTC),
		Device: Device{Model: "test", OS: "linux"}}
}

func TestRoundTrip(t *testing.T) {
	k := testKey(t, "k1")
	body := session(t, 300)
	data, err := Seal(header(), body, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	// A typical session: 10 s at 30 fps with three best frames.
	t.Logf("package of 300 frames × %d points and 3 best frames: %d bytes", len(body.Trace.Indices), len(data))
	if len(data) > 300<<10 {
		t.Errorf("package is %d bytes, over the 300 KB budget", len(data))
	}
	p, err := Open(data, k, "ver-1")
	if err != nil {
		t.Fatal(err)
	}
	want := header()
	want.Format, want.KeyID = FormatVersion, "k1"
	want.Suite = Suite{KEM: 0x647a, KDF: 1, AEAD: 2}
	if !reflect.DeepEqual(p.Header, want) {
		t.Errorf("header %+v, want %+v", p.Header, want)
	}
	for i := range body.Trace.Frames {
		Quantize(&body.Trace.Frames[i])
	}
	if !reflect.DeepEqual(p.Body, *body) {
		t.Error("the opened body differs from the quantized sealed one")
	}
	h, err := ReadHeader(data)
	if err != nil || h.VerificationID != "ver-1" || h.KeyID != "k1" {
		t.Errorf("ReadHeader = %+v, %v", h, err)
	}
}

// Quantize is what the device must decide on: quantizing twice changes
// nothing, the steps are below the signals' noise, and non-finite values
// stay non-finite.
func TestQuantize(t *testing.T) {
	f := Frame{Yaw: 12.345678, EyeOpen: [2]float32{0.2987654, -1}, MouthOpen: float32(math.Inf(1)),
		Box: [4]float32{-12.34, 1e9, float32(math.NaN()), 3}, Faces: 300, FrameW: 1 << 20,
		Regions: [NumRegions][3]float32{{0.123456, 1.5, -0.1}}, Points: [][3]float32{{100.11, 200.37, -5.55}}}
	Quantize(&f)
	g := f
	g.Points = append([][3]float32(nil), f.Points...)
	Quantize(&g)
	if !reflect.DeepEqual(bitsOf(f), bitsOf(g)) {
		t.Error("quantizing twice changed the frame")
	}
	near := func(name string, got, want, tol float32) {
		if math.Abs(float64(got-want)) > float64(tol) {
			t.Errorf("%s = %v, want %v ± %v", name, got, want, tol)
		}
	}
	near("yaw", f.Yaw, 12.345678, 0.005)
	near("eye", f.EyeOpen[0], 0.2987654, 0.00005)
	near("eye clamped", f.EyeOpen[1], 0, 0)
	near("box x0", f.Box[0], -12.34, 0.125)
	near("box y0 saturated", f.Box[1], 8191.75, 0)
	near("region", f.Regions[0][0], 0.123456, 1e-5)
	near("region clamped high", f.Regions[0][1], 1, 0)
	near("point", f.Points[0][1], 200.37, 0.125)
	if !math.IsNaN(float64(f.MouthOpen)) || !math.IsNaN(float64(f.Box[2])) {
		t.Errorf("non-finite values became %v and %v, want NaN", f.MouthOpen, f.Box[2])
	}
	if f.Faces != 255 || f.FrameW != 65535 {
		t.Errorf("counts %d, %d: want saturated at 255, 65535", f.Faces, f.FrameW)
	}
}

// bitsOf makes NaNs comparable.
func bitsOf(f Frame) []uint32 {
	var out []uint32
	f.each(func(v *float32, _ float64, _ bool) { out = append(out, math.Float32bits(*v)) })
	return out
}

func TestOpenRejects(t *testing.T) {
	k := testKey(t, "k1")
	data, err := Seal(header(), session(t, 20), k.Public())
	if err != nil {
		t.Fatal(err)
	}
	other := testKey(t, "k1") // same id, another key
	for _, c := range []struct {
		name string
		data []byte
		key  *PrivateKey
		id   string
		want error
	}{
		{"another verification", data, k, "ver-2", ErrWrongID},
		{"another key id", data, testKey(t, "k2"), "ver-1", ErrWrongKey},
		{"another key, same id", data, other, "ver-1", ErrTampered},
		{"not a package", []byte("hello, world, this is not it"), k, "ver-1", ErrMalformed},
		{"empty", nil, k, "ver-1", ErrTruncated},
		{"future version", withVersion(data, 2), k, "ver-1", ErrUnknownVersion},
		{"trailing bytes", append(append([]byte(nil), data...), 0), k, "ver-1", ErrMalformed},
		{"too large", make([]byte, MaxPackage+1), k, "ver-1", ErrTooLarge},
	} {
		p, err := Open(c.data, c.key, c.id)
		if p != nil || !errors.Is(err, c.want) {
			t.Errorf("%s: %v, %v; want %v", c.name, p != nil, err, c.want)
		}
		var e *Error
		if !errors.As(err, &e) || e.Code == "" {
			t.Errorf("%s: %v is not a coded *Error", c.name, err)
		}
	}
}

func withVersion(data []byte, v byte) []byte {
	out := append([]byte(nil), data...)
	out[9] = v
	return out
}

// Every truncation and every flipped byte fails with a coded error and no
// data: the header is authenticated as additional data, the rest by the
// AEAD.
func TestTamperingAndTruncation(t *testing.T) {
	k := testKey(t, "k1")
	data, err := Seal(header(), session(t, 5), k.Public())
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, d []byte) {
		p, err := Open(d, k, "ver-1")
		var e *Error
		if p != nil || !errors.As(err, &e) {
			t.Fatalf("%s: opened (%v, %v)", what, p != nil, err)
		}
	}
	step := max(1, len(data)/400)
	for n := 0; n < len(data); n += step {
		check("truncated", data[:n])
	}
	for i := 0; i < len(data); i += step {
		d := append([]byte(nil), data...)
		d[i] ^= 0x40
		check("flipped", d)
	}
}

func TestSealRejects(t *testing.T) {
	k := testKey(t, "k1")
	h := header()
	h.VerificationID = ""
	if _, err := Seal(h, session(t, 2), k.Public()); !errors.Is(err, ErrInvalidContents) {
		t.Errorf("no verification id: %v", err)
	}
	b := session(t, 2)
	b.Trace.Frames[1].Points = b.Trace.Frames[1].Points[:3]
	if _, err := Seal(header(), b, k.Public()); !errors.Is(err, ErrInvalidContents) {
		t.Errorf("ragged points: %v", err)
	}
	if _, err := GenerateKey("bad\nid"); !errors.Is(err, ErrBadKey) {
		t.Errorf("control character in a key id: %v", err)
	}
}

func TestKeySerialisation(t *testing.T) {
	k := testKey(t, "k1")
	sk, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := ParsePrivateKey("k1", sk)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey("k1", k.Public().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	data, err := Seal(header(), session(t, 3), pub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(data, k2, "ver-1"); err != nil {
		t.Errorf("parsed keys: %v", err)
	}
	if _, err := ParsePublicKey("k1", []byte("short")); !errors.Is(err, ErrBadKey) {
		t.Errorf("bad public key: %v", err)
	}
}

// FuzzOpen: any bytes are refused with an *Error or are the package itself.
// The key is made afresh each run, so the seed corpus
// (testdata/fuzz/FuzzOpen) holds what the parser meets before any
// decryption: bad magic, versions, header lengths past the limits or the
// data, cut and trailing parts.
func FuzzOpen(f *testing.F) {
	k := testKey(f, "k1")
	data, err := Seal(header(), session(f, 3), k.Public())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:100])
	f.Fuzz(func(t *testing.T, d []byte) {
		if _, err := ReadHeader(d); err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("ReadHeader: untyped error %v", err)
			}
		}
		p, err := Open(d, k, "ver-1")
		if err == nil && !bytes.Equal(d, data) {
			t.Fatalf("a changed package opened: %+v", p.Header)
		}
		if _, ok := errors.AsType[*Error](err); err != nil && !ok {
			t.Fatalf("Open: untyped error %v", err)
		}
	})
}

func TestPEM(t *testing.T) {
	k := testKey(t, "k-pem")
	sk, err := k.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := ParsePrivateKeyPEM(sk)
	if err != nil || k2.ID != "k-pem" {
		t.Fatalf("private PEM: %v, %v", k2, err)
	}
	pub, err := ParsePublicKeyPEM(k.Public().MarshalPEM())
	if err != nil || pub.ID != "k-pem" {
		t.Fatalf("public PEM: %v, %v", pub, err)
	}
	data, err := Seal(header(), session(t, 2), pub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(data, k2, "ver-1"); err != nil {
		t.Error(err)
	}
	if _, err := ParsePrivateKeyPEM(k.Public().MarshalPEM()); !errors.Is(err, ErrBadKey) {
		t.Errorf("a public key read as private: %v", err)
	}
	if _, err := ParsePublicKeyPEM([]byte("junk")); !errors.Is(err, ErrBadKey) {
		t.Errorf("junk: %v", err)
	}
}
