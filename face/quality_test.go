package face

import (
	"image"
	"image/color"
	"testing"
)

// qualityFaces are three well-lit, near-frontal faces of the demo photos
// (their BlazeFace boxes), whose clean crops raise no code.
var qualityFaces = []struct {
	sample     int
	x, y, side int
}{
	{3, 590, 388, 202},
	{6, 235, 535, 224},
	{3, 1455, 351, 213},
}

func TestQualityCodes(t *testing.T) {
	tr := tracker(t)
	for _, fc := range qualityFaces {
		img := sample(t, fc.sample)
		w := fc.side
		cx, cy := fc.x+w/2, fc.y+w/2
		side := 22 * w / 10 // the face takes about half the crop's width
		win := image.Rect(cx-side/2, cy-side/2, cx-side/2+side, cy-side/2+side)
		clean := crop(img, win)
		tight := 95 * w / 100
		variants := []struct {
			name string
			img  *image.RGBA
			want Quality
		}{
			{"clean", clean, 0},
			{"dark", tone(clean, 0.25, 0), TooDark},
			{"over-exposed", tone(clean, 1.25, 45), TooBright},
			{"blurred", blur(clean, 0.04*float64(w)), Blurred},
			// The crop moved down so its top edge cuts 20% off the face.
			{"cropped", crop(img, win.Add(image.Pt(0, side/2-3*w/10))), PartlyOutOfFrame},
			{"scaled-down", paste(resize(clean, side*35/100, side*35/100), side, side), TooFar},
			{"too-close", crop(img, image.Rect(cx-tight/2, cy-tight/2, cx+tight/2, cy+tight/2)), TooClose | PartlyOutOfFrame},
			// A window behind the user: the camera exposes for it and the
			// face darkens.
			{"backlit", backlight(tone(clean, 0.55, 0), 0.6*float64(w), 0.8*float64(w)), Backlit},
		}
		for _, v := range variants {
			res, err := tr.Faces(frame(v.img), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 {
				t.Errorf("sample%d face at %d,%d %s: %d faces, want 1", fc.sample, fc.x, fc.y, v.name, len(res))
				for _, x := range res {
					t.Logf("%+v", x.Detection)
				}
				continue
			}
			r := res[0]
			if r.Quality != v.want {
				s := r.Signals
				t.Errorf("sample%d face at %d,%d %s: %v, want %v (pose %.0f/%.0f/%.0f luma %.0f backlight %.2f sharpness %.1f width %.2f)",
					fc.sample, fc.x, fc.y, v.name, r.Quality, v.want, s.Yaw, s.Pitch, s.Roll, s.Luma.Mean, s.Luma.Backlight, s.Focus(), s.BoxRel.W)
			}
			if zero := v.want&(TooDark|TooBright|Blurred|PartlyOutOfFrame) != 0; zero != (r.Score == 0) {
				t.Errorf("sample%d face at %d,%d %s: best-frame score %.2f", fc.sample, fc.x, fc.y, v.name, r.Score)
			}
			if len(res) > 1 {
				for _, x := range res {
					t.Logf("%+v", x.Detection)
				}
			}
		}
	}
}

// paste centres img on a mid-grey w×h canvas.
func paste(img *image.RGBA, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = 128
	}
	ox, oy := (w-img.Rect.Dx())/2, (h-img.Rect.Dy())/2
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			out.SetRGBA(ox+x, oy+y, img.RGBAAt(x, y))
		}
	}
	return out
}

// backlight whitens everything outside the centred ellipse of semi-axes
// ax, ay.
func backlight(img *image.RGBA, ax, ay float64) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	copy(out.Pix, img.Pix)
	cx, cy := float64(img.Rect.Dx())/2, float64(img.Rect.Dy())/2
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			dx, dy := (float64(x)-cx)/ax, (float64(y)-cy)/ay
			if dx*dx+dy*dy > 1 {
				out.SetRGBA(x, y, color.RGBA{245, 245, 245, 255})
			}
		}
	}
	return out
}

func TestQualityString(t *testing.T) {
	for q, want := range map[Quality]string{
		0:                      "OK",
		NoFace:                 "FACE_NO_FACE",
		TooDark | Blurred:      "FACE_TOO_DARK|FACE_BLURRED",
		MovingTooMuch | 1<<20:  "FACE_MOVING_TOO_MUCH|FACE_BIT20",
		MultipleFaces | NoFace: "FACE_NO_FACE|FACE_MULTIPLE_FACES",
	} {
		if got := q.String(); got != want {
			t.Errorf("%d: %q, want %q", q, got, want)
		}
	}
	// The bit values are part of the API.
	if EyesClosed != 1<<11 || MovingTooMuch != 1<<12 {
		t.Error("quality bits moved")
	}
}
