//! Progress bars for long commands, in the program's language, with the rate and the time left.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use netvaerk_report::Lang;

/// The bar's template: what it does, the bar, how far, how fast, and the time left (after a
/// word that says so in the program's language, `{prefix}`). The counts and the rate are the
/// program's own keys, written with the language's digit grouping.
const TEMPLATE: &str = "{msg} {bar:40} {done}/{total} {rate} {prefix} {eta}";

/// `n` with its thousands grouped the language's way: 14,894 in English, 14.894 in Danish.
fn grouped(n: u64, lang: Lang) -> String {
    let separator = match lang {
        Lang::En => ',',
        Lang::Da => '.',
    };
    netvaerk_projections::group_thousands(n, separator)
}

/// A progress bar on standard error, hidden when that is not a terminal; `label` (`checking`,
/// `copying`, ...), the word before the time left and the numbers are in the program's
/// language.
pub fn bar(length: u64, label: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    let lang = crate::language();
    if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
        let style = style
            .with_key("done", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&grouped(state.pos(), lang));
            })
            .with_key("total", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&grouped(state.len().unwrap_or(0), lang));
            })
            .with_key("rate", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                // Whole items a second: the rate is for a person, not for a benchmark.
                let rate = state.per_sec();
                let rate = if rate.is_finite() && rate > 0.0 { rate.round() as u64 } else { 0 };
                let _ = write!(w, "{}/s", grouped(rate, lang));
            });
        bar.set_style(style);
    }
    bar.set_message(lang.say(label));
    bar.set_prefix(lang.say("time left"));
    bar
}

#[cfg(test)]
mod tests {
    use netvaerk_report::Lang;

    #[test]
    fn counts_are_grouped_the_languages_way() {
        assert_eq!(super::grouped(14_894, Lang::En), "14,894");
        assert_eq!(super::grouped(14_894, Lang::Da), "14.894");
        assert_eq!(super::grouped(1_000_000, Lang::Da), "1.000.000");
        assert_eq!(super::grouped(999, Lang::En), "999");
        assert_eq!(super::grouped(0, Lang::Da), "0");
    }

    /// The template is one indicatif takes, and every word a bar shows has its Danish.
    #[test]
    fn the_bar_takes_its_template_and_speaks_danish() {
        assert!(indicatif::ProgressStyle::with_template(super::TEMPLATE).is_ok());
        for word in ["generating", "verifying", "checking", "copying", "time left"] {
            assert_ne!(Lang::Da.say(word), word, "{word} has no Danish in the glossary");
        }
    }
}
