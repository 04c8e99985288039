//! Progress bars for long commands, in the program's language, with the rate and the time left.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bar's template: what it does, the bar, how far, how fast, and the time left (after a
/// word that says so in the program's language, `{prefix}`).
const TEMPLATE: &str = "{msg} {bar:40} {human_pos}/{human_len} {per_sec} {prefix} {eta}";

/// A progress bar on standard error, hidden when that is not a terminal; `label` (`checking`,
/// `copying`, ...) and the word before the time left are in the program's language.
pub fn bar(length: u64, label: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
        bar.set_style(style);
    }
    let lang = crate::language();
    bar.set_message(lang.say(label));
    bar.set_prefix(lang.say("time left"));
    bar
}

#[cfg(test)]
mod tests {
    use netvaerk_report::Lang;

    /// The template is one indicatif takes, and every word a bar shows has its Danish.
    #[test]
    fn the_bar_takes_its_template_and_speaks_danish() {
        assert!(indicatif::ProgressStyle::with_template(super::TEMPLATE).is_ok());
        for word in ["generating", "verifying", "checking", "copying", "time left"] {
            assert_ne!(Lang::Da.say(word), word, "{word} has no Danish in the glossary");
        }
    }
}
