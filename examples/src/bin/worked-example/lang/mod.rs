//! Every text the worked example prints, in each language it speaks: one
//! catalogue per language ([`en`], [`zh`], the seed's Chinese translation
//! of the blog, with its terms: 前向传播, 反向传播, 总误差, 输出层, 隐层,
//! 学习率), each a [`Catalogue`] whose fields are the keys. A catalogue
//! that misses a key does not compile, and a key no code reads is a
//! warning (the gate denies warnings); a test checks that both languages
//! fill the same placeholders.
//!
//! A text's placeholders are `{name}`s, filled by [`fill`]. Formulas,
//! symbols and numbers are the same in every language and stay in the
//! code.

mod en;
mod zh;

use std::fmt::Display;

/// The languages, as `--lang` names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Lang {
    /// English, the blog's.
    #[default]
    En,
    /// Chinese, the seed's translation's.
    Zh,
}

impl Lang {
    /// Its catalogue.
    pub(crate) fn texts(self) -> &'static Catalogue {
        match self {
            Lang::En => &en::EN,
            Lang::Zh => &zh::ZH,
        }
    }
}

/// Declares [`Catalogue`] from its list of keys, each with its doc.
macro_rules! catalogue {
    ($($(#[doc = $doc:literal])* $key:ident,)*) => {
        /// Every text of the worked example in one language, by key.
        #[derive(Debug)]
        pub(crate) struct Catalogue {
            $($(#[doc = $doc])* pub(crate) $key: &'static str,)*
        }

        impl Catalogue {
            /// Every key and its text, in the order declared.
            #[cfg(test)]
            pub(crate) fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

catalogue! {
    // The blog's walkthrough.
    /// The report's heading.
    report_title,
    /// What the report shows, under its heading.
    report_intro,
    /// `{rate}`, `{steps}`.
    learning_rate,
    /// `{n}` training steps, for 1.
    training_steps_one,
    /// `{n}` training steps, for any other number.
    training_steps_many,
    /// The marks of the figures' agreement.
    legend,
    /// The forward pass (a section, the blog's and any network's).
    section_forward,
    /// The errors.
    section_error,
    /// The output layer's gradients.
    section_output_layer,
    /// The blog's hidden layer's gradients.
    section_hidden_layer,
    /// A named hidden layer's gradients: `{name}`.
    section_hidden_layer_named,
    /// The updated weights.
    section_update,
    /// After training.
    section_training,
    /// Column headings.
    column_row,
    /// The quantity's name.
    column_quantity,
    /// The engine's value.
    column_engine,
    /// The blog's number.
    column_blog,
    /// Where the engine's value was read.
    column_read_from,
    /// Updating the output layer first (the blog's numbers).
    column_sequential,
    /// Every gradient at the same point.
    column_true_gradient_descent,
    /// The symbol `check` reads.
    column_check_symbol,
    /// A learner's line number.
    column_line,
    /// A learner's symbol.
    column_symbol,
    /// A learner's number.
    column_yours,
    /// The note on row 20: `{value}`.
    row_20,
    /// Why the training figures have two columns.
    why_two_orders,
    /// The errata: `{row20}`, `{row13}`, `{english30}`, `{row30}`.
    errata,
    /// `{agree}` of `{compared}` figures agree.
    verdict,
    /// `{skipped}` figures not comparable.
    verdict_skipped,
    /// The trace's heading.
    trace_title,
    /// What the trace's gradient column is.
    trace_note,
    /// The explanation's heading.
    explain_title,
    /// How to read the explanation.
    explain_note,
    /// Where a value was read: `{name}`.
    source_value,
    /// A derivative read as an adjoint: `{from}`, `{of}`.
    source_adjoint,
    /// An updated weight: `{name}`.
    source_update,
    /// A quantity after training: `{what}`, `{updates}`.
    after_updates,
    /// `{n}` updates, for 1.
    updates_one,
    /// `{n}` updates, for any other number.
    updates_many,
    /// The training plot's title: `{rate}`.
    plot_title,
    // Any network's walkthrough.
    /// The heading: `{shape}`.
    network_title,
    /// A hidden layer: `{name}`, `{neurons}`.
    hidden_layer,
    /// The output layer: `{name}`, `{neurons}`.
    output_layer,
    /// `{n}` neurons of `{activation}`, for 1.
    neurons_one,
    /// `{n}` neurons of `{activation}`, for any other number.
    neurons_many,
    /// Between the layers' descriptions.
    semicolon,
    /// Between the items of a list.
    comma,
    /// One bias per layer.
    bias_shared,
    /// One bias per neuron.
    bias_per_neuron,
    /// The network, its sample, its error and its training: `{layers}`,
    /// `{bias}`, `{inputs}`, `{targets}`, `{error}`, `{rate}`, `{steps}`,
    /// `{origin}`.
    network_intro,
    /// Parameters drawn from `{seed}`.
    origin_seed,
    /// Parameters read from the file `{name}`.
    origin_file,
    /// The target, in the error's formula.
    word_target,
    /// The output, in the error's formula.
    word_out,
    /// The starting parameters' heading.
    parameters_title,
    /// What to do with them.
    parameters_note,
    // The check.
    /// `{source}` checked against `{network}`.
    check_title,
    /// The blog's network.
    network_blog,
    /// Another network.
    network_other,
    /// `{title}`, `{shape}`, `{rate}`.
    network_description,
    /// `{agreeing}` of `{numbers}` agree.
    check_summary,
    /// `{n}` numbers, for 1.
    numbers_one,
    /// `{n}` numbers, for any other number.
    numbers_many,
    /// The first disagreement: `{symbol}`, `{line}`.
    check_first,
    /// The diagnosis's heading.
    check_diagnosis,
    // The diagnoses.
    /// Everything agrees.
    diagnosis_none,
    /// A mistake and rounding.
    also_rounded,
    /// Other mistakes that fit: `{ids}`.
    also_fits,
    /// Between the last two of a list.
    and,
    /// The update's sign: `{w}`, `{update}`.
    mistake_update_sign,
    /// The error's derivative's sign: `{e}`, `{out}`, `{out_value}`,
    /// `{target}`, `{derivative}`.
    mistake_error_sign,
    /// The ½: `{e}`, `{out}`, `{error}`, `{derivative}`.
    mistake_missing_half,
    /// σ' at the net input: `{out}`, `{net}`, `{out_value}`,
    /// `{derivative}`.
    mistake_sigmoid_of_net,
    /// The updated weights: `{w}`, `{below}`, `{formula}`, `{numbers}`,
    /// `{total}`.
    mistake_updated_weights,
    /// One path: `{e}`, `{below}`, `{terms}`, `{values}`, `{total}`.
    mistake_single_path,
    /// The biases updated: `{biases}`, `{update}`.
    mistake_biases,
    /// Another learning rate: `{yours}`, `{rate}`, `{update}`.
    mistake_learning_rate,
    /// The targets swapped: `{targets}`, `{e}`, `{formula}`, `{error}`.
    mistake_swapped_targets,
    /// An output's target: `{output}`, `{target}`.
    target_of,
    /// Rounded intermediates.
    rounded,
    /// The first that drifted: `{symbol}`, `{yours}`, `{engine}`.
    rounded_first,
    /// What to do about rounding.
    rounded_end,
    /// No known mistake.
    unknown,
    /// The first that disagrees: `{symbol}`, `{line}`, `{yours}`,
    /// `{engine}`.
    unknown_first,
    /// A value after training: `{updates}`.
    unknown_after,
    /// A node's derivative with respect to itself.
    unknown_self,
    /// A derivative along no path: `{of}`, `{wrt}`.
    unknown_not_upstream,
    /// A local derivative copied wrong.
    unknown_local,
    /// A given value copied wrong.
    unknown_given,
    /// What it is computed from: `{inputs}`.
    unknown_inputs,
    /// An input the learner has right.
    input_agrees,
    /// An input the learner has wrong.
    input_disagrees,
    /// An input the learner did not write.
    input_missing,
}

/// `template` with each `{name}` replaced by the value `args` gives it.
///
/// # Panics
///
/// In debug builds, if a placeholder has no value or a value no
/// placeholder (a catalogue out of step with the code).
pub(crate) fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut used = vec![false; args.len()];
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = &after[..close];
        match args.iter().position(|(key, _)| *key == name) {
            Some(k) => {
                used[k] = true;
                out.push_str(&args[k].1.to_string());
            }
            None => {
                debug_assert!(false, "no value for {{{name}}} in {template:?}");
                out.push_str(&rest[open..open + close + 2]);
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    debug_assert!(
        used.iter().all(|&u| u),
        "a value without a placeholder in {template:?}"
    );
    out
}

/// `n` with the words for one (`one`) or any other number (`many`), each a
/// template with `{n}`.
pub(crate) fn counted(n: usize, one: &str, many: &str) -> String {
    fill(if n == 1 { one } else { many }, &[("n", &n)])
}

/// The placeholders of `template`, sorted.
#[cfg(test)]
fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_every_key_with_the_same_placeholders() {
        let (en, zh) = (Lang::En.texts().entries(), Lang::Zh.texts().entries());
        assert_eq!(en.len(), zh.len());
        for ((key, english), (zh_key, chinese)) in en.iter().zip(&zh) {
            assert_eq!(key, zh_key);
            assert!(!english.is_empty() && !chinese.is_empty(), "{key}");
            assert_eq!(placeholders(english), placeholders(chinese), "{key}");
        }
    }

    #[test]
    fn every_key_is_read_by_the_code() {
        // The compiler warns of a field no code reads; this says which key,
        // reading the sources as text.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bin/worked-example");
        let mut code = String::new();
        let mut pending = vec![dir];
        while let Some(path) = pending.pop() {
            for entry in std::fs::read_dir(&path).expect("the sources").flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("lang") {
                    pending.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    code.push_str(&std::fs::read_to_string(&path).expect("a source"));
                }
            }
        }
        for (key, _) in Lang::En.texts().entries() {
            assert!(code.contains(&format!(".{key}")), "no code reads `{key}`");
        }
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(
            fill("{a} of {b}, {a}", &[("a", &1), ("b", &"x")]),
            "1 of x, 1"
        );
        assert_eq!(counted(1, "{n} step", "{n} steps"), "1 step");
        assert_eq!(counted(10000, "{n} step", "{n} steps"), "10000 steps");
        assert_eq!(placeholders("{x} and {y} and {x}"), ["x", "y"]);
    }

    #[test]
    fn the_chinese_catalogue_uses_the_translations_terms() {
        let zh: String = Lang::Zh.texts().entries().iter().map(|(_, t)| *t).collect();
        for term in [
            "前向传播",
            "反向传播",
            "总误差",
            "输出层",
            "隐层",
            "学习率",
            "链式法则",
        ] {
            assert!(zh.contains(term), "{term}");
        }
    }
}
