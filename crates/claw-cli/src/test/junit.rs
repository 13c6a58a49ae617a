//! The JUnit XML report of `claw test --junit`: one `<testsuite>` per test file, one
//! `<testcase>` per test, a `<failure>` inside each failed one.

use std::time::Duration;

use super::FileReport;

/// The whole document.
pub fn render(reports: &[FileReport], elapsed: Duration) -> String {
    let count = |report: &FileReport| report.results.len();
    let failed = |report: &FileReport| {
        report
            .results
            .iter()
            .filter(|(_, result)| result.failure.is_some())
            .count()
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"claw test\" tests=\"{}\" failures=\"{}\" time=\"{}\">\n",
        reports.iter().map(count).sum::<usize>(),
        reports.iter().map(failed).sum::<usize>(),
        seconds(elapsed)
    ));
    for report in reports {
        let time: Duration = report.results.iter().map(|(_, r)| r.duration).sum();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{}\">\n",
            escape(&report.path),
            count(report),
            failed(report),
            seconds(time)
        ));
        for (name, result) in &report.results {
            let head = format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                escape(name),
                escape(&report.path),
                seconds(result.duration)
            );
            let Some(failure) = &result.failure else {
                out.push_str(&head);
                out.push_str("/>\n");
                continue;
            };
            let first_line = failure.message.lines().next().unwrap_or_default();
            let mut details = failure.message.clone();
            if !failure.backtrace.is_empty() {
                details.push_str("\nbacktrace:\n");
                details.push_str(&failure.backtrace);
            }
            out.push_str(&format!(
                "{head}>\n      <failure message=\"{}\">{}</failure>\n",
                escape(first_line),
                escape(&details)
            ));
            if !result.output.is_empty() {
                out.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape(&result.output)
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn seconds(duration: Duration) -> String {
    format!("{:.6}", duration.as_secs_f64())
}

/// Text fit for an attribute or element: the five markup characters as entities, and characters
/// XML 1.0 cannot hold at all (most control characters) as U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b> & \"c\" 'd'\u{1}\n"),
            "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;\u{FFFD}\n"
        );
    }
}
