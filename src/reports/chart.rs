//! The /chart picture: one horizontal bar per unit showing pledge completion, drawn in-process
//! with plotters into an RGB buffer and encoded as PNG. Horizontal bars leave room for long
//! Indonesian unit names, which vertical bars would have to slant.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::percent;

/// DejaVu Sans covers Latin with all Indonesian diacritics and ships with its licence beside
/// it; embedding it means the chart looks the same on a server without any fonts.
const FONT_BYTES: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const FONT: &str = "netralitas-dejavu-sans";

pub const WIDTH: u32 = 1000;
/// Above this many units the picture would exceed Telegram's photo limits; the rest is cut.
pub const MAX_BARS: usize = 100;

const MARGIN: i32 = 24;
const TOP: i32 = 72;
const ROW: i32 = 40;
const BAR_H: i32 = 26;
const BOTTOM: i32 = 24;
const LABEL_W: i32 = 280;
pub const BAR_X0: i32 = MARGIN + LABEL_W;
const BAR_X1: i32 = WIDTH as i32 - 200;
const LABEL_CHARS: usize = 26;

/// The colour of a filled bar; tests find bars by it.
pub const BAR_COLOR: RGBColor = RGBColor(31, 119, 180);
const TRACK_COLOR: RGBColor = RGBColor(228, 232, 238);
const TEXT_COLOR: RGBColor = RGBColor(33, 37, 41);

/// One unit to draw: `done` of `base` (pledged of headcount, or of registered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartBar {
    pub label: String,
    pub done: i64,
    pub base: i64,
}

/// Where a bar was drawn, in pixels: `x1 == x0` for an empty bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarGeometry {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub bars: Vec<BarGeometry>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("nothing to draw")]
    Empty,
    #[error("the embedded font cannot be loaded")]
    Font,
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// Picture height for `bars` units (after the [`MAX_BARS`] cut).
pub fn height_for(bars: usize) -> u32 {
    (TOP + ROW * bars.min(MAX_BARS) as i32 + BOTTOM) as u32
}

fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

fn label(text: &str) -> String {
    if text.chars().count() <= LABEL_CHARS {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

fn draw_err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Draw(format!("{e:?}"))
}

/// Draws the bars in the order given (the caller sorts) under `title`.
pub fn render(title: &str, bars: &[ChartBar]) -> Result<Chart, ChartError> {
    if bars.is_empty() {
        return Err(ChartError::Empty);
    }
    register_font()?;
    let bars = &bars[..bars.len().min(MAX_BARS)];
    let (width, height) = (WIDTH, height_for(bars.len()));
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    let mut geometry = Vec::with_capacity(bars.len());
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let text = |size: f64| TextStyle::from((FONT, size).into_font()).color(&TEXT_COLOR);
        root.draw(&Text::new(
            label_title(title),
            (MARGIN, MARGIN),
            text(26.0).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(draw_err)?;
        for (i, bar) in bars.iter().enumerate() {
            let y0 = TOP + ROW * i as i32 + (ROW - BAR_H) / 2;
            let mid = y0 + BAR_H / 2;
            let share = percent(bar.done, bar.base);
            let x1 = BAR_X0 + ((BAR_X1 - BAR_X0) as i64 * share / 100) as i32;
            root.draw(&Text::new(
                label(&bar.label),
                (MARGIN, mid),
                text(17.0).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
            root.draw(&Rectangle::new(
                [(BAR_X0, y0), (BAR_X1, y0 + BAR_H)],
                TRACK_COLOR.filled(),
            ))
            .map_err(draw_err)?;
            if x1 > BAR_X0 {
                root.draw(&Rectangle::new(
                    [(BAR_X0, y0), (x1, y0 + BAR_H)],
                    BAR_COLOR.filled(),
                ))
                .map_err(draw_err)?;
            }
            root.draw(&Text::new(
                format!("{share}%  {}/{}", bar.done, bar.base),
                (BAR_X1 + 12, mid),
                text(17.0).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
            geometry.push(BarGeometry {
                x0: BAR_X0,
                y0,
                x1: x1.max(BAR_X0),
                y1: y0 + BAR_H,
            });
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        png: encode_png(&rgb, width, height)?,
        width,
        height,
        bars: geometry,
    })
}

/// Titles are one line; an election name long enough to overflow is cut.
fn label_title(title: &str) -> String {
    title.chars().take(70).collect()
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a valid PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("sane size")];
        let info = reader.next_frame(&mut buf).expect("valid PNG data");
        (info, buf)
    }

    /// Counts runs of bar-coloured pixels down one column just right of the bars' origin.
    fn bars_in_column(info: &png::OutputInfo, buf: &[u8], x: u32) -> usize {
        let stride = info.line_size;
        let mut runs = 0;
        let mut inside = false;
        for y in 0..info.height as usize {
            let p = y * stride + x as usize * 3;
            let is_bar = buf[p..p + 3] == [BAR_COLOR.0, BAR_COLOR.1, BAR_COLOR.2];
            if is_bar && !inside {
                runs += 1;
            }
            inside = is_bar;
        }
        runs
    }

    #[test]
    fn the_chart_is_a_png_with_one_bar_per_unit() {
        let bars: Vec<ChartBar> = [
            ("Dinas Pendidikan dan Kebudayaan Kabupaten", 40, 50),
            ("Sekretariat Daerah", 10, 420),
            ("Kecamatan Ciléungsi", 3, 3),
        ]
        .into_iter()
        .map(|(l, d, b)| ChartBar {
            label: l.into(),
            done: d,
            base: b,
        })
        .collect();
        let chart = render("Ikrar per unit — Pilkada Serentak 2020", &bars).unwrap();
        let (info, buf) = decode(&chart.png);
        assert_eq!((info.width, info.height), (WIDTH, height_for(3)));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(chart.bars.len(), 3);
        assert_eq!(bars_in_column(&info, &buf, (BAR_X0 + 1) as u32), 3);
        // Lengths follow completion: 80 %, 2 %, 100 %.
        let len = |g: &BarGeometry| g.x1 - g.x0;
        assert!(len(&chart.bars[2]) > len(&chart.bars[0]));
        assert!(len(&chart.bars[0]) > len(&chart.bars[1]));
        assert_eq!(chart.bars[2].x1, BAR_X1);
        // Text was drawn: some dark pixels in the label column.
        let dark = (0..info.height as usize).any(|y| {
            let p = y * info.line_size + (MARGIN as usize + 5) * 3;
            buf[p] < 100
        });
        assert!(dark, "no label text rendered");
    }

    #[test]
    fn empty_units_draw_no_bar_and_too_many_are_cut() {
        let bars: Vec<ChartBar> = (0..150)
            .map(|i| ChartBar {
                label: format!("unit {i}"),
                done: i % 2,
                base: 1,
            })
            .collect();
        let chart = render("t", &bars).unwrap();
        assert_eq!(chart.bars.len(), MAX_BARS);
        assert_eq!(chart.height, height_for(MAX_BARS));
        let (info, buf) = decode(&chart.png);
        assert_eq!(
            bars_in_column(&info, &buf, (BAR_X0 + 1) as u32),
            MAX_BARS / 2
        );
        assert!(matches!(render("t", &[]), Err(ChartError::Empty)));
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(label("Setda"), "Setda");
        let cut = label("Badan Pengelolaan Keuangan dan Aset Daerah");
        assert!(cut.ends_with('…') && cut.chars().count() <= LABEL_CHARS);
    }
}
