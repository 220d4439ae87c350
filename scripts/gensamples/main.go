//go:build ignore

// Command gensamples draws the still and animated sample images in assets/:
// sample.png, sample2.png and sample.gif. Run it from the assets directory:
// `cd assets && go run ../scripts/gensamples`; its output is deterministic,
// so running it again reproduces the committed files byte for byte. sample.mp4 is made
// with ffmpeg instead, as docs/samples.md describes.
package main

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"log"
	"math"
	"os"
)

func main() {
	write("sample.png", encodePNG(sunset(640, 360)))
	write("sample2.png", encodePNG(rings(480, 480)))
	write("sample.gif", encodeGIF(bounce(320, 180, 24)))
}

func write(name string, data []byte) {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d bytes", name, len(data))
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

func encodeGIF(g *gif.GIF) []byte {
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// lerp mixes a and b: t=0 gives a, t=1 gives b.
func lerp(a, b color.NRGBA, t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// coverage turns a signed distance to a shape's edge (negative inside) into
// an anti-aliased opacity.
func coverage(d float64) float64 { return math.Max(0, math.Min(1, 0.5-d)) }

// sunset is a dusk sky fading from indigo to peach, a low sun with a soft
// glow, and two rolling hills in front of it.
func sunset(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	top := color.NRGBA{0x1d, 0x1b, 0x4f, 255}
	mid := color.NRGBA{0xc0, 0x4e, 0x74, 255}
	low := color.NRGBA{0xff, 0xb3, 0x6b, 255}
	sun := color.NRGBA{0xff, 0xe8, 0xa3, 255}
	far := color.NRGBA{0x3b, 0x2a, 0x5c, 255}
	near := color.NRGBA{0x1a, 0x14, 0x33, 255}
	sx, sy, sr := float64(w)*0.62, float64(h)*0.58, float64(h)*0.17
	for y := 0; y < h; y++ {
		fy := float64(y) + 0.5
		v := fy / float64(h)
		var c color.NRGBA
		if v < 0.55 {
			c = lerp(top, mid, v/0.55)
		} else {
			c = lerp(mid, low, (v-0.55)/0.45)
		}
		for x := 0; x < w; x++ {
			fx := float64(x) + 0.5
			p := c
			d := math.Hypot(fx-sx, fy-sy)
			p = lerp(p, sun, 0.35*math.Exp(-math.Pow((d-sr)/(sr*0.9), 2))*boolF(d > sr))
			p = lerp(p, sun, coverage(d-sr))
			hill1 := float64(h)*0.70 + 18*math.Sin(fx/90+0.8) + 10*math.Sin(fx/37)
			p = lerp(p, far, coverage(hill1-fy))
			hill2 := float64(h)*0.80 + 24*math.Sin(fx/140+2.1) + 6*math.Sin(fx/23+1)
			p = lerp(p, near, coverage(hill2-fy))
			img.SetNRGBA(x, y, p)
		}
	}
	return img
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// rings is a square tile: a teal-to-lime diagonal gradient with concentric
// rings and a rounded white diamond in the middle, unlike sample.png in size,
// aspect and colours.
func rings(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	a := color.NRGBA{0x0f, 0x4c, 0x5c, 255}
	b := color.NRGBA{0x9b, 0xd7, 0x6a, 255}
	ring := color.NRGBA{0xf6, 0xf1, 0xd3, 255}
	white := color.NRGBA{0xff, 0xff, 0xff, 255}
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			p := lerp(a, b, (fx+fy)/float64(w+h))
			d := math.Hypot(fx-cx, fy-cy)
			// Rings 3 px wide every 40 px, fading out towards the corners.
			if d > 70 {
				dr := math.Abs(math.Mod(d, 40) - 20)
				p = lerp(p, ring, 0.55*coverage(dr-1.5)*math.Max(0, 1-d/340))
			}
			diamond := (math.Abs(fx-cx)+math.Abs(fy-cy))/math.Sqrt2 - 45
			p = lerp(p, white, coverage(diamond))
			img.SetNRGBA(x, y, p)
		}
	}
	return img
}

// bounce is an animated GIF: a ball bouncing across a banded evening sky and
// back, with a shadow on the ground, looping forever.
func bounce(w, h, frames int) *gif.GIF {
	g := &gif.GIF{LoopCount: 0}
	bg := color.NRGBA{0x23, 0x2d, 0x6b, 255}
	horizon := color.NRGBA{0xf2, 0x9e, 0x7a, 255}
	ground := color.NRGBA{0x2e, 0x5e, 0x3a, 255}
	ball := color.NRGBA{0xff, 0xd1, 0x4a, 255}
	shadow := color.NRGBA{0x1b, 0x3a, 0x24, 255}
	groundY := float64(h) * 0.78
	r := 16.0
	// The palette holds exactly the colours drawn, so nothing is dithered.
	const bands = 12
	pal := color.Palette{ground, ball, shadow}
	for i := 0; i < bands; i++ {
		pal = append(pal, lerp(bg, horizon, float64(i)/(bands-1)))
	}
	for f := 0; f < frames; f++ {
		t := float64(f) / float64(frames)
		// Across and back, one bounce each way, so the loop has no jump.
		bx := 40 + (1-math.Abs(2*t-1))*float64(w-80)
		u := math.Mod(2*t, 1)
		by := groundY - r - 4*(float64(h)*0.5)*u*(1-u)
		img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for y := 0; y < h; y++ {
			fy := float64(y) + 0.5
			var c color.NRGBA
			if fy < groundY {
				// Flat bands, so the GIF stays small.
				band := math.Floor(fy/groundY*bands) / (bands - 1)
				c = lerp(bg, horizon, band)
			} else {
				c = ground
			}
			for x := 0; x < w; x++ {
				fx := float64(x) + 0.5
				p := c
				sw := r * (0.6 + 0.4*(by+r)/groundY)
				if math.Pow((fx-bx)/sw, 2)+math.Pow((fy-groundY-3)/4, 2) <= 1 {
					p = shadow
				}
				if math.Hypot(fx-bx, fy-by) <= r {
					p = ball
				}
				img.Set(x, y, p)
			}
		}
		g.Image = append(g.Image, img)
		g.Delay = append(g.Delay, 6)
	}
	return g
}
