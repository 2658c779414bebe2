package eval

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// plotTestCurves are three ROC curves TAR = FAR^k of different quality,
// starting at FAR 0 to exercise the clamping to the left edge.
func plotTestCurves() []Curve {
	var curves []Curve
	for _, c := range []struct {
		name string
		k    float64
	}{{"arcface-r100", 0.02}, {"facenet-512", 0.06}, {"mobilefacenet", 0.15}} {
		cv := Curve{Name: c.name, FAR: []float64{0}, TAR: []float64{0.3}}
		for e := -5.0; e <= 0; e += 0.05 {
			far := math.Pow(10, e)
			cv.FAR = append(cv.FAR, far)
			cv.TAR = append(cv.TAR, math.Pow(far, c.k))
		}
		curves = append(curves, cv)
	}
	return curves
}

// plotTestHists are two panels: cosine scores with genuine ~N(0.8,0.05) and
// impostor ~N(0.3,0.1), and the same on a 0..100 scale.
func plotTestHists() []Hist {
	r := rand.New(rand.NewPCG(1, 2))
	normal := func(n int, mean, sd, scale float64) []float64 {
		vs := make([]float64, n)
		for i := range vs {
			vs[i] = (mean + sd*r.NormFloat64()) * scale
		}
		return vs
	}
	return []Hist{
		{Name: "arcface-r100", Genuine: normal(300, 0.8, 0.05, 1), Impostor: normal(20000, 0.3, 0.1, 1),
			Thresholds: []float64{0.55, 0.6}},
		{Name: "vendor-x", Genuine: normal(100, 0.8, 0.05, 100), Impostor: normal(100000, 0.3, 0.1, 100),
			Thresholds: []float64{58}},
	}
}

func plotDecode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// plotFind returns how many pixels in r have exactly colour c, and their mean x.
func plotFind(img image.Image, r image.Rectangle, c color.RGBA) (n int, meanX float64) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				n++
				meanX += float64(x)
			}
		}
	}
	return n, meanX / float64(max(n, 1))
}

func TestPlotROC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roc.png")
	curves := plotTestCurves()
	if err := WriteROC(path, "ROC test", curves); err != nil {
		t.Fatal(err)
	}
	img := plotDecode(t, path)
	if got := img.Bounds().Size(); got != image.Pt(rocW, rocH) {
		t.Fatalf("size %v, want %dx%d", got, rocW, rocH)
	}
	for i, cv := range curves {
		// Far more pixels than the legend swatch alone could give.
		if n, _ := plotFind(img, rocPlotRect(), curveColours[i]); n < 500 {
			t.Errorf("curve %s: %d pixels of its colour in the plot area", cv.Name, n)
		}
	}
}

func TestPlotHistograms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist.png")
	hs := plotTestHists()
	if err := WriteHistograms(path, "scores test", hs); err != nil {
		t.Fatal(err)
	}
	img := plotDecode(t, path)
	if got, want := img.Bounds().Size(), image.Pt(histW, plotTitleH+len(hs)*histPanelH); got != want {
		t.Fatalf("size %v, want %v", got, want)
	}
	for i, h := range hs {
		a := histPlotRect(i)
		nGen, xGen := plotFind(img, a, genuineColour)
		nImp, xImp := plotFind(img, a, impostorColour)
		if nGen == 0 || nImp == 0 {
			t.Fatalf("%s: %d genuine and %d impostor pixels in the plot area", h.Name, nGen, nImp)
		}
		if xGen <= xImp {
			t.Errorf("%s: genuine drawn at mean x %.0f, not right of impostor at %.0f", h.Name, xGen, xImp)
		}
	}
}

func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	ok := plotTestCurves()[0]
	nan := Curve{Name: "nanny", FAR: []float64{0, 0.5}, TAR: []float64{math.NaN(), 1}}
	for _, tc := range []struct {
		name, want string
		curves     []Curve
		path       string
	}{
		{"no curves", "no curves", nil, ""},
		{"lengths", "bent", []Curve{ok, {Name: "bent", FAR: []float64{0, 1}, TAR: []float64{1}}}, ""},
		{"no points", "hollow", []Curve{{Name: "hollow"}}, ""},
		{"NaN", "nanny", []Curve{nan}, ""},
		{"too many", "11 curves", make([]Curve, 11), ""},
		{"bad path", "no-such-dir", []Curve{ok}, filepath.Join(dir, "no-such-dir", "roc.png")},
	} {
		t.Run("ROC "+tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = filepath.Join(dir, "roc.png")
			}
			err := WriteROC(path, "t", tc.curves)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}

	good := plotTestHists()[0]
	for _, tc := range []struct {
		name, want string
		hs         []Hist
		path       string
	}{
		{"none", "nothing to draw", nil, ""},
		{"no genuine", `"lonely" has no genuine`, []Hist{good, {Name: "lonely", Impostor: []float64{1}}}, ""},
		{"no impostor", `"trusting" has no impostor`, []Hist{{Name: "trusting", Genuine: []float64{1}}}, ""},
		{"NaN score", `"nanny": impostor value 1 is NaN`,
			[]Hist{{Name: "nanny", Genuine: []float64{1}, Impostor: []float64{0, math.NaN()}}}, ""},
		{"NaN threshold", "threshold value 0 is NaN",
			[]Hist{{Name: "t", Genuine: []float64{1}, Impostor: []float64{0}, Thresholds: []float64{math.NaN()}}}, ""},
		{"bad path", "no-such-dir", []Hist{good}, filepath.Join(dir, "no-such-dir", "hist.png")},
	} {
		t.Run("histograms "+tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = filepath.Join(dir, "hist.png")
			}
			err := WriteHistograms(path, "t", tc.hs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestPlotTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   string // the tick labels
	}{
		{0, 1, 5, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{-0.13, 0.92, 8, "0.0 0.2 0.4 0.6 0.8"}, // the first tick is -0 before the +0
		{-1, 1, 4, "-1.0 -0.5 0.0 0.5 1.0"},
		{3, 97, 8, "20 40 60 80"},
		{0, 0.013, 4, "0.000 0.005 0.010"},
	} {
		ticks, dec := plotTicks(tc.lo, tc.hi, tc.n)
		var labels []string
		for _, v := range ticks {
			labels = append(labels, strconv.FormatFloat(v, 'f', dec, 64))
		}
		if got := strings.Join(labels, " "); got != tc.want {
			t.Errorf("plotTicks(%g, %g, %d) labels %q, want %q", tc.lo, tc.hi, tc.n, got, tc.want)
		}
	}
}

// TestPlotDemo renders the example charts to /tmp for a person to look at.
func TestPlotDemo(t *testing.T) {
	if os.Getenv("LIVEID_PLOT_DEMO") != "1" {
		t.Skip("set LIVEID_PLOT_DEMO=1 to write /tmp/plot_roc.png and /tmp/plot_hist.png")
	}
	if err := WriteROC("/tmp/plot_roc.png", "Face verification ROC (demo data)", plotTestCurves()); err != nil {
		t.Fatal(err)
	}
	if err := WriteHistograms("/tmp/plot_hist.png", "Genuine and impostor scores (demo data)", plotTestHists()); err != nil {
		t.Fatal(err)
	}
}
