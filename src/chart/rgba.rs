//! plotters' own rasterizer over an RGBA buffer (the layout of a canvas'
//! `ImageData`), for the series lines: one `putImageData` per frame instead
//! of a JS call per vertex, and the same pixels in the browser as in the
//! host pixel tests. Colours blend "over" with straight alpha.

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, DrawingBackend, DrawingErrorKind, rasterizer,
};

pub struct Rgba<'a> {
    buf: &'a mut [u8],
    w: u32,
    h: u32,
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
        }
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
    /// written directly; everything else goes through plotters' rasterizer.
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if from.0 != to.0 || style.stroke_width() != 1 || color.alpha < 1.0 {
            return rasterizer::draw_line(self, from, to, style);
        }
        if from.0 < 0 || from.0 as u32 >= self.w {
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
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if x < 0 || y < 0 || x as u32 >= self.w || y as u32 >= self.h || color.alpha <= 0.0 {
            return Ok(());
        }
        let i = (y as usize * self.w as usize + x as usize) * 4;
        let px = &mut self.buf[i..i + 4];
        let (r, g, b) = color.rgb;
        let a = color.alpha.min(1.0);
        if a >= 1.0 || px[3] == 0 {
            px.copy_from_slice(&[r, g, b, (a * 255.0).round() as u8]);
            return Ok(());
        }
        let under = f64::from(px[3]) / 255.0;
        let out = a + under * (1.0 - a);
        for (dst, src) in px[..3].iter_mut().zip([r, g, b]) {
            *dst = ((f64::from(src) * a + f64::from(*dst) * under * (1.0 - a)) / out).round() as u8;
        }
        px[3] = (out * 255.0).round() as u8;
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
