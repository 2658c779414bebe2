package wild

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image/color"
	"image/draw"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"

	"github.com/liveid/liveid/ocr/synth/internal/paint"
)

// fontFile is one face of a Debian font package.
type fontFile struct {
	pkg, path string
	index     int
	role      role
}

// role says what a face may print: every face prints the card's values,
// only hei (sans) faces its labels, and only the mono ones its number.
type role int

const (
	anyText role = iota
	heiText      // labels and titles are sans on the real card
	digits       // the number
)

// fontFiles are the faces the renderer draws with, none of them the
// tuning generator's Noto Sans CJK: serif (Song/Ming), Kai and two Hei
// families, and mono faces for the number.
var fontFiles = []fontFile{
	{"fonts-noto-cjk", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, anyText},
	{"fonts-noto-cjk", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, anyText},
	{"fonts-wqy-zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, heiText},
	{"fonts-wqy-zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 1, digits},
	{"fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, heiText},
	{"fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 1, digits},
	{"fonts-arphic-uming", "/usr/share/fonts/truetype/arphic/uming.ttc", 0, anyText},
	{"fonts-arphic-ukai", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0, anyText},
	{"fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0, digits},
}

// FontPackages are the Debian packages the faces come from (make setup
// installs them).
var FontPackages = []string{"fonts-noto-cjk", "fonts-wqy-zenhei", "fonts-wqy-microhei", "fonts-arphic-uming", "fonts-arphic-ukai", "fonts-dejavu-core"}

type face struct {
	f    *opentype.Font
	name string
	role role
}

type fonts struct {
	all   []face
	faces paint.Faces
}

// loadFonts opens every face; a missing package is an error that names
// it, so a set is never drawn with fewer fonts than it says.
func loadFonts() (*fonts, error) {
	fs := &fonts{}
	cache := map[string][]byte{}
	for _, ff := range fontFiles {
		data, ok := cache[ff.path]
		if !ok {
			var err error
			if data, err = os.ReadFile(ff.path); err != nil {
				return nil, fmt.Errorf("wild: font (install Debian's %s, make setup): %w", ff.pkg, err)
			}
			cache[ff.path] = data
		}
		one, err := sfntFace(data, ff.index)
		if err != nil {
			return nil, fmt.Errorf("wild: %s: %w", ff.path, err)
		}
		f, err := opentype.Parse(one)
		if err != nil {
			return nil, fmt.Errorf("wild: %s face %d: %w", ff.path, ff.index, err)
		}
		fs.all = append(fs.all, face{f, fmt.Sprintf("%s#%d", ff.pkg, ff.index), ff.role})
	}
	return fs, nil
}

// sfntFace copies face index of a font file (a TrueType collection or a
// single font) into a font file of its own, every table starting on a
// four-byte boundary: the WenQuanYi and Arphic collections pack tables
// unaligned, which x/image's parser refuses.
func sfntFace(data []byte, index int) ([]byte, error) {
	be16 := func(o int) int { return int(binary.BigEndian.Uint16(data[o:])) }
	be32 := func(o int) int { return int(binary.BigEndian.Uint32(data[o:])) }
	if len(data) < 12 {
		return nil, errors.New("too short for a font")
	}
	off := 0
	if string(data[:4]) == "ttcf" {
		if n := be32(8); index >= n || len(data) < 12+4*n {
			return nil, fmt.Errorf("no face %d in the collection", index)
		}
		off = be32(12 + 4*index)
	}
	if off+12 > len(data) {
		return nil, errors.New("face directory out of the file")
	}
	n := be16(off + 4)
	if off+12+16*n > len(data) {
		return nil, errors.New("table directory out of the file")
	}
	out := make([]byte, 12+16*n)
	copy(out, data[off:off+12])
	for i := range n {
		rec := off + 12 + 16*i
		o, l := be32(rec+8), be32(rec+12)
		if o+l > len(data) || o < 0 || l < 0 {
			return nil, fmt.Errorf("table %d out of the file", i)
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		dst := out[12+16*i:]
		copy(dst, data[rec:rec+8])
		binary.BigEndian.PutUint32(dst[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(dst[12:], uint32(l))
		out = append(out, data[o:o+l]...)
	}
	return out, nil
}

func (fs *fonts) face(f *opentype.Font, size float64) font.Face { return fs.faces.Face(f, size) }

// draw writes s with its baseline from (x, y), spacing px after each
// character, and returns the x after the last one.
func (fs *fonts) draw(dst draw.Image, f *opentype.Font, size float64, c color.Color, x, y, spacing float64, s string) float64 {
	return paint.Text(dst, fs.face(f, size), c, x, y, spacing, s)
}

// width is how far draw would advance.
func (fs *fonts) width(f *opentype.Font, size, spacing float64, s string) float64 {
	w := 0.0
	fc := fs.face(f, size)
	for _, r := range s {
		adv, _ := fc.GlyphAdvance(r)
		w += float64(adv)/64 + spacing
	}
	return w
}
