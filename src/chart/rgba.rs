//! plotters' drawing interface over an RGBA buffer (the layout of a canvas'
//! `ImageData`), for the series lines: a few `putImageData` calls per frame
//! (at most) instead of a JS call per vertex, and the same pixels in the
//! browser as in the host pixel tests. Colours blend "over" with straight alpha.
//!
//! One-pixel opaque lines are rasterized here (`line`), anti-aliased like
//! plotters' own, but every pixel is computed from the segment's start by
//! integer offsets. A segment moved by whole pixels therefore gets the same
//! pixels moved, which is what lets a live chart shift its image instead of
//! redrawing it (`chart::layer`). plotters' rasterizer accumulates the
//! position in floating point, which is not exact under translation.

use std::ops::Range;

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, DrawingBackend, DrawingErrorKind, rasterizer,
};

pub struct Rgba<'a> {
    buf: &'a mut [u8],
    w: u32,
    h: u32,
    /// Only these columns are written; pixels elsewhere are left as they are.
    clip: Range<i32>,
}

impl<'a> Rgba<'a> {
    /// A transparent `w`×`h` image in `buf` (resized and cleared here).
    pub fn new(buf: &'a mut Vec<u8>, w: u32, h: u32) -> Self {
        let len = w as usize * h as usize * 4;
        // `fill` is one memset; `resize` writes byte by byte in the size-
        // optimised build (3 ms for a 1920×600 chart).
        if buf.len() == len {
            buf.fill(0);
        } else {
            *buf = vec![0; len];
        }
        Rgba {
            buf: buf.as_mut_slice(),
            w,
            h,
            clip: 0..w as i32,
        }
    }

    /// The `w`×`h` image already in `buf` (`w * h * 4` bytes), with the
    /// columns `clip` cleared: drawing then writes only those columns.
    pub fn region(buf: &'a mut [u8], w: u32, h: u32, clip: Range<i32>) -> Self {
        let clip = clip.start.max(0)..clip.end.min(w as i32);
        assert_eq!(buf.len(), w as usize * h as usize * 4, "image size");
        if clip.start < clip.end {
            let (a, b) = (clip.start as usize * 4, clip.end as usize * 4);
            for row in buf.chunks_exact_mut(w as usize * 4) {
                row[a..b].fill(0);
            }
        }
        Rgba { buf, w, h, clip }
    }

    /// An anti-aliased one-pixel line in an opaque colour: along its long
    /// axis one step per pixel, across it the exact position split between
    /// the two pixels it falls between. Positions are `start + i * d / n`
    /// from integers, so the pixels only depend on the segment's shape.
    fn line(&mut self, a: BackendCoord, b: BackendCoord, rgb: (u8, u8, u8)) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let steep = dy.abs() > dx.abs();
        // Along the long axis, from its smaller end.
        let (a, b) = if (steep && a.1 > b.1) || (!steep && a.0 > b.0) {
            (b, a)
        } else {
            (a, b)
        };
        let (n, d) = if steep {
            (b.1 - a.1, b.0 - a.0)
        } else {
            (b.0 - a.0, b.1 - a.1)
        };
        // Only the steps that land inside the image (or the clip) are taken.
        let (lo, hi) = if steep {
            (0 - a.1, self.h as i32 - 1 - a.1)
        } else {
            (self.clip.start - a.0, self.clip.end - 1 - a.0)
        };
        let color = |alpha: f64| BackendColor { alpha, rgb };
        for i in lo.max(0)..=hi.min(n) {
            let across = if n == 0 {
                0.0
            } else {
                f64::from(i) * f64::from(d) / f64::from(n)
            };
            let whole = across.floor();
            let frac = across - whole;
            let (p, q) = if steep {
                let x = a.0 + whole as i32;
                ((x, a.1 + i), (x + 1, a.1 + i))
            } else {
                let y = a.1 + whole as i32;
                ((a.0 + i, y), (a.0 + i, y + 1))
            };
            self.pixel(p, color(1.0 - frac));
            if frac > 1e-9 {
                self.pixel(q, color(frac));
            }
        }
    }

    fn pixel(&mut self, (x, y): BackendCoord, color: BackendColor) {
        if !self.clip.contains(&x) || y < 0 || y as u32 >= self.h || color.alpha <= 0.0 {
            return;
        }
        let i = (y as usize * self.w as usize + x as usize) * 4;
        let px = &mut self.buf[i..i + 4];
        let (r, g, b) = color.rgb;
        let a = color.alpha.min(1.0);
        if a >= 1.0 || px[3] == 0 {
            px.copy_from_slice(&[r, g, b, (a * 255.0).round() as u8]);
            return;
        }
        let under = f64::from(px[3]) / 255.0;
        let out = a + under * (1.0 - a);
        for (dst, src) in px[..3].iter_mut().zip([r, g, b]) {
            *dst = ((f64::from(src) * a + f64::from(*dst) * under * (1.0 - a)) / out).round() as u8;
        }
        px[3] = (out * 255.0).round() as u8;
    }
}

impl DrawingBackend for Rgba<'_> {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        (self.w, self.h)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    /// Vertical runs (most of a dense series: each column's min to max) are
    /// written directly, other one-pixel opaque lines by `line`; wide or
    /// translucent ones go through plotters' rasterizer.
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if style.stroke_width() != 1 || color.alpha < 1.0 {
            return rasterizer::draw_line(self, from, to, style);
        }
        if from.0 != to.0 {
            self.line(from, to, color.rgb);
            return Ok(());
        }
        if !self.clip.contains(&from.0) {
            return Ok(());
        }
        let (r, g, b) = color.rgb;
        let (lo, hi) = (
            from.1.min(to.1).max(0),
            from.1.max(to.1).min(self.h as i32 - 1),
        );
        let stride = self.w as usize * 4;
        let mut i = lo.max(0) as usize * stride + from.0 as usize * 4;
        for _ in lo..=hi {
            self.buf[i..i + 4].copy_from_slice(&[r, g, b, 255]);
            i += stride;
        }
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        at: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.pixel(at, color);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_blend_over_and_stay_in_bounds() {
        let mut buf = Vec::new();
        let mut b = Rgba::new(&mut buf, 2, 2);
        let red = BackendColor {
            alpha: 1.0,
            rgb: (255, 0, 0),
        };
        b.draw_pixel((5, 0), red).expect("infallible");
        b.draw_pixel((-1, 1), red).expect("infallible");
        b.draw_pixel((0, 0), red).expect("infallible");
        b.draw_pixel(
            (0, 0),
            BackendColor {
                alpha: 0.5,
                rgb: (0, 0, 255),
            },
        )
        .expect("infallible");
        b.draw_pixel(
            (1, 1),
            BackendColor {
                alpha: 0.5,
                rgb: (0, 0, 255),
            },
        )
        .expect("infallible");
        assert_eq!(&buf[0..4], &[128, 0, 128, 255]);
        assert_eq!(&buf[12..16], &[0, 0, 255, 128]);
        assert_eq!(
            buf.iter().filter(|&&x| x != 0).count(),
            5,
            "nothing outside the image"
        );
    }
}
