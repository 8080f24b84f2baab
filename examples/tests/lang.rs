//! `--lang zh`: the walkthrough, the explanations, the errata and the
//! check's diagnoses in Chinese, with the translation's terms; the numbers,
//! the formulas, the exit status and the JSON as in English.

use std::path::Path;
use std::process::Command;

/// Runs `worked-example` with `args`; returns (status, stdout).
fn run(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_worked-example"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the worked-example binary runs");
    (
        output.status.code().expect("exited normally"),
        String::from_utf8(output.stdout).expect("UTF-8 output"),
    )
}

/// `args` in English and in Chinese: both outputs, after checking that
/// they end alike.
fn both(args: &[&str]) -> (String, String) {
    let (en_status, en) = run(args);
    let mut zh_args = args.to_vec();
    zh_args.extend(["--lang", "zh"]);
    let (zh_status, zh) = run(&zh_args);
    assert_eq!(en_status, zh_status, "{args:?}");
    (en, zh)
}

/// Every run of three or more English words in `text` (words of letters,
/// apostrophes and hyphens, between spaces).
fn english_phrases(text: &str) -> Vec<String> {
    let mut phrases = Vec::new();
    for line in text.lines() {
        let mut run: Vec<&str> = Vec::new();
        for word in line.split(' ').chain([""]) {
            let is_word = word.len() > 1
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-')
                && word.chars().any(|c| c.is_ascii_lowercase());
            if is_word {
                run.push(word);
            } else {
                if run.len() >= 3 {
                    phrases.push(run.join(" "));
                }
                run.clear();
            }
        }
    }
    phrases
}

/// No sentence of the English output is left in the Chinese one.
fn assert_translated(en: &str, zh: &str, context: &str) {
    let phrases = english_phrases(en);
    assert!(
        !phrases.is_empty(),
        "{context}: no English prose to compare"
    );
    for phrase in phrases {
        assert!(
            !zh.contains(&phrase),
            "{context}: `{phrase}` is untranslated in\n{zh}"
        );
    }
}

/// The lines of `text` from the one starting with `from` on.
fn from_line<'t>(text: &'t str, from: &str) -> Vec<&'t str> {
    text.lines().skip_while(|l| !l.starts_with(from)).collect()
}

#[test]
fn the_whole_walkthrough_in_the_translations_terms() {
    let (en, zh) = both(&["--iterations", "200"]);
    assert_translated(&en, &zh, "the walkthrough");
    let headings = [
        "1. 前向传播",
        "2. 计算总误差",
        "3. 反向传播：输出层",
        "4. 反向传播：隐层",
        "5. 更新权重",
        "6. 训练",
        "博文及其中文译文中的错误",
    ];
    let at: Vec<usize> = headings
        .iter()
        .map(|h| zh.find(h).unwrap_or_else(|| panic!("no {h:?} in\n{zh}")))
        .collect();
    assert!(at.is_sorted(), "{zh}");
    assert!(zh.contains("学习率 η = 0.5"), "{zh}");
    // The figures' rows have the same numbers, in the same order.
    let numbers = |text: &str| -> Vec<f64> {
        text.lines()
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .flat_map(str::split_whitespace)
            .filter(|w| w.len() >= 10)
            .filter_map(|w| w.parse().ok())
            .collect()
    };
    assert!(numbers(&en).len() >= 32 + 4, "{en}");
    assert_eq!(numbers(&en), numbers(&zh));
    let (_, quiet) = run(&["--quiet", "--lang", "zh"]);
    assert_eq!(quiet, "32 个数字中有 32 个与博文一致\n");
}

#[test]
fn explanations_are_the_same_formulas_under_a_chinese_heading() {
    let (en, zh) = both(&["--explain", "--iterations", "2"]);
    let heading = "用链式法则写出第一次反向传播的每一个导数";
    assert!(zh.contains(heading), "{zh}");
    let steps = |text: &str| from_line(text, "∂E_total/∂E_o1").join("\n");
    assert_eq!(steps(&en), steps(&zh));
    assert!(steps(&zh).contains("∂out_h1/∂net_h1 = out_h1 (1 - out_h1)"));
    assert_translated(&en, &zh, "--explain");
}

#[test]
fn any_network_in_chinese() {
    let (en, zh) = both(&["--network", "3-4-4-2", "--iterations", "5", "--explain"]);
    assert_translated(&en, &zh, "--network");
    for term in [
        "隐层 g",
        "隐层 h",
        "输出层 o",
        "反向传播：隐层 g",
        "初始参数",
    ] {
        assert!(zh.contains(term), "{term} in\n{zh}");
    }
    let (_, en_json) = run(&["--network", "2-3-2", "--iterations", "5", "--json"]);
    let (_, zh_json) = run(&[
        "--network",
        "2-3-2",
        "--iterations",
        "5",
        "--json",
        "--lang",
        "zh",
    ]);
    assert_eq!(en_json, zh_json, "JSON is the same in every language");
}

#[test]
fn every_diagnosis_in_chinese() {
    let learners = Path::new(env!("CARGO_MANIFEST_DIR")).join("learners");
    let mut files: Vec<_> = std::fs::read_dir(&learners)
        .expect("the learners' files")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && !p.ends_with("malformed.txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 12);
    for file in files {
        let path = file.to_str().expect("a UTF-8 path");
        let (en, zh) = both(&["check", path]);
        // The id after the heading, in either language.
        let diagnosis = |text: &str| -> String {
            text.lines()
                .find(|l| l.starts_with("Diagnosis:") || l.starts_with("诊断："))
                .and_then(|l| l.split_whitespace().last())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(diagnosis(&en), diagnosis(&zh), "{path}");
        assert_translated(&en, &zh, path);
        let explanation = from_line(&zh, "诊断：").join("\n");
        assert!(
            explanation
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{path}: {explanation}"
        );
    }
    let (_, zh) = run(&[
        "check",
        "--lang",
        "zh",
        learners.join("single_path.txt").to_str().unwrap(),
    ]);
    assert!(
        zh.contains("∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = 0.055399425 + (-0.019049118) = 0.036350306")
            || zh.replace('\n', " ").contains("0.055399425 + (-0.019049118)"),
        "{zh}"
    );
}

#[test]
fn the_readme_chinese_excerpt_is_real_output() {
    let readme = include_str!("../../README.md");
    let marker = "```text\n用链式法则写出第一次反向传播的每一个导数";
    let start = readme.find(marker).expect("the --lang zh excerpt") + 8;
    let excerpt = &readme[start..start + readme[start..].find("```").unwrap()];
    let (_, zh) = run(&["--explain", "--lang", "zh"]);
    for part in excerpt.split("...\n") {
        assert!(zh.contains(part), "README excerpt differs:\n{part}");
    }
}
