//! Several outputs: `output a, b` lists them, and `grad` prints their
//! values and Jacobian (plain, `--trace`, `--json`), each row exactly what
//! the output alone gives. Mistakes in the statement point at their spot.

mod common;

use autograd::Shortest;
use common::{float, grad, json, node};

const POLAR: &str = "r = 2; theta = 0.3; x = r*cos(theta); y = r*sin(theta); output x, y";

/// The polar-to-Cartesian Jacobian at r = 2, θ = 0.3 in closed form:
/// [[cos θ, -r sin θ], [sin θ, r cos θ]].
fn polar_closed_form() -> [[f64; 2]; 2] {
    let (r, theta) = (2.0f64, 0.3f64);
    [
        [theta.cos(), -r * theta.sin()],
        [theta.sin(), r * theta.cos()],
    ]
}

/// Runs a program that must succeed; returns its standard output.
fn printed(args: &[&str]) -> String {
    let (status, out, err) = grad(args);
    assert_eq!(status, 0, "{args:?}: {err}");
    out
}

/// Runs a bad program; returns its standard error after checking status
/// 2, an empty standard output, a caret and a help.
fn rejected(program: &str) -> String {
    let (status, out, err) = grad(&[program]);
    assert_eq!(status, 2, "{program:?} was accepted: {out}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains('│') && err.contains("Help"), "{err}");
    err
}

#[test]
fn polar_to_cartesian_prints_values_and_the_jacobian_table() {
    let [[xr, xt], [yr, yt]] = polar_closed_form();
    let (x, y) = (2.0 * 0.3f64.cos(), 2.0 * 0.3f64.sin());
    let cells = |a: f64, b: f64| (Shortest(a).to_string(), Shortest(b).to_string());
    let (xr, xt) = cells(xr, xt);
    let (yr, yt) = cells(yr, yt);
    let w = xr.len().max(yr.len());
    let expected = format!(
        "x = {}\ny = {}\n\n    {:w$}  ∂theta\n∂x  {xr:w$}  {xt}\n∂y  {yr:w$}  {yt}\n",
        Shortest(x),
        Shortest(y),
        "∂r",
    );
    assert_eq!(printed(&[POLAR]), expected);
    // The numbers as they stand, for the record.
    assert_eq!(
        printed(&[POLAR]),
        "x = 1.910672978251212\ny = 0.5910404133226791\n\n    \
         ∂r                   ∂theta\n\
         ∂x  0.955336489125606    -0.5910404133226791\n\
         ∂y  0.29552020666133955  1.910672978251212\n"
    );
}

#[test]
fn json_with_several_outputs_holds_the_jacobian_exactly() {
    let doc = json(POLAR);
    assert_eq!(doc["outputs"], serde_json::json!(["x", "y"]));
    assert_eq!(doc["inputs"], serde_json::json!(["r", "theta"]));
    let closed = polar_closed_form();
    for (i, output) in ["x", "y"].into_iter().enumerate() {
        for (j, input) in ["r", "theta"].into_iter().enumerate() {
            let entry = float(&doc["jacobian"][output][input]);
            assert_eq!(
                entry.to_bits(),
                closed[i][j].to_bits(),
                "∂{output}/∂{input}"
            );
            // Each input's node holds the same number for that output.
            let grad = float(&node(&doc, input)["grads"][output]);
            assert_eq!(grad.to_bits(), entry.to_bits(), "∂{output}/∂{input}");
        }
        assert_eq!(
            float(&doc["values"][output]).to_bits(),
            float(&node(&doc, output)["value"]).to_bits()
        );
    }
    // The keys come in the order of "outputs" and "inputs".
    let rows: Vec<&String> = doc["jacobian"].as_object().unwrap().keys().collect();
    assert_eq!(rows, ["x", "y"]);
    // The one-output fields are not there: the document has one shape per
    // number of outputs.
    for field in ["value", "gradients"] {
        assert!(doc.get(field).is_none(), "{field}");
    }
    assert!(node(&doc, "x").get("grad").is_none());
    // A constant gets no gradient from any output: "grads" is null.
    let doc = json("x = 2; const c = 3; a = c*x; b = x + c; output a, b");
    assert!(node(&doc, "c")["grads"].is_null());
    assert_eq!(
        node(&doc, "x")["grads"],
        serde_json::json!({"a": 3.0, "b": 1.0})
    );
    // A node one output does not reach gets 0 from it.
    assert_eq!(
        node(&doc, "a")["grads"],
        serde_json::json!({"a": 1.0, "b": 0.0})
    );
}

#[test]
fn each_row_is_bit_for_bit_what_its_output_alone_gives() {
    let network = include_str!("../../../examples/programs/blog.grad");
    let both = json(&format!("{network}output E_o1, E_o2\n"));
    for output in ["E_o1", "E_o2"] {
        let alone = json(&format!("{network}output {output}\n"));
        let ending = json(&format!("{network}{output}\n"));
        for (input, row) in both["jacobian"][output].as_object().unwrap() {
            let entry = float(row).to_bits();
            assert_eq!(
                entry,
                float(&alone["gradients"][input]).to_bits(),
                "{input}"
            );
            assert_eq!(
                entry,
                float(&ending["gradients"][input]).to_bits(),
                "{input}"
            );
        }
        assert_eq!(alone["value"], both["values"][output]);
    }
    // Plain and --trace print the same numbers as --json.
    let program = format!("{network}output E_o1, E_o2\n");
    let plain = printed(&[&program]);
    let trace = printed(&["--trace", &program]);
    for output in ["E_o1", "E_o2"] {
        for (input, entry) in both["jacobian"][output].as_object().unwrap() {
            let text = Shortest(float(entry)).to_string();
            assert!(plain.contains(&text), "{output}/{input}: {plain}");
            let line = trace
                .lines()
                .find(|l| l.split_whitespace().nth(1) == Some(input.as_str()))
                .unwrap();
            assert!(line.contains(&text), "{line}");
        }
    }
}

#[test]
fn one_name_in_output_behaves_like_a_last_statement_bound_to_it() {
    let listed = "x = 2; y = x^2 + x; z = y * 3; output y";
    let last = "x = 2; y = x^2 + x";
    assert_eq!(printed(&[listed]), printed(&[last]));
    assert_eq!(printed(&[listed]), "y = 6\n\n∂y/∂x = 5\n");
    let doc = json(listed);
    assert_eq!(doc["value"], 6.0);
    assert_eq!(doc["gradients"], serde_json::json!({"x": 5.0}));
    // The nodes after it are recorded, and get no gradient from y.
    assert_eq!(node(&doc, "z")["grad"], 0.0);
    assert!(doc.get("outputs").is_none());
    // --trace shows every node, with one grad column.
    let trace = printed(&["--trace", listed]);
    assert!(trace.starts_with("y = 6\n\n#  name  op"), "{trace}");
    assert!(
        trace.lines().nth(2).unwrap().ends_with("value  grad"),
        "{trace}"
    );
    assert!(trace.contains(" z "), "{trace}");
}

#[test]
fn an_output_is_read_where_the_statement_stands() {
    // y is rebound after `output y`: the output is the y it names.
    let out = printed(&["x = 1; y = x * 2; output y; y = y + 10; w = y * 3"]);
    assert_eq!(out, "y = 2\n\n∂y/∂x = 2\n");
    // `output` may be the last statement, or stand before other ones.
    let out = printed(&["a = 1; b = a * 2; output a, b; c = b * 3"]);
    assert!(out.starts_with("a = 1\nb = 2\n\n"), "{out}");
}

#[test]
fn trace_has_a_gradient_column_per_output() {
    let out = printed(&[
        "--trace",
        "x = 3; const c = 2; a = x * c; b = x^2; output a, b",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(&lines[..3], ["a = 6", "b = 9", ""]);
    assert_eq!(lines[3], "#  name  op     operands  value  grad a  grad b");
    assert_eq!(lines[4], "0  x     var              3      2       6");
    // A constant gets no gradient from either output: both cells empty.
    assert_eq!(lines[5], "1  c     const            2");
    assert_eq!(lines[6], "2  a     mul    x, c      6      1       0");
    assert_eq!(lines[7], "3  b     powi   x, 2      9      0       1");
}

#[test]
fn the_trace_of_one_output_is_the_engines_own() {
    let network = include_str!("../../../examples/programs/blog.grad");
    let tape = autograd::Tape::new();
    let program = grad_cli::evaluate(&tape, network).unwrap();
    let output = program.single_output().unwrap().node;
    let engine = tape.trace().with_gradients(&output.backward()).to_string();
    let out = printed(&["--trace", network]);
    let table = out.split_once("\n\n").unwrap().1;
    assert_eq!(table, engine);
}

#[test]
fn a_wide_jacobian_is_split_into_blocks_of_columns() {
    let network = include_str!("../../../examples/programs/blog.grad");
    let out = printed(&[&format!("{network}output E_o1, E_o2, E_total\n")]);
    for line in out.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    // Every weight has a column, and every block has the rows' names.
    for w in 1..=8 {
        assert_eq!(out.matches(&format!("∂w{w}")).count(), 1, "{out}");
    }
    let blocks = out.split("\n\n").skip(1).collect::<Vec<_>>();
    assert!(blocks.len() > 1, "{out}");
    for block in &blocks {
        let names: Vec<&str> = block
            .lines()
            .skip(1)
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(names, ["∂E_o1", "∂E_o2", "∂E_total"], "{block}");
    }
}

#[test]
fn a_long_output_list_is_checked_in_linear_time() {
    // 100,000 names, the last listed twice: comparing each name with every
    // one before it would take billions of comparisons.
    let n = 100_000;
    let mut program = String::from("x = 0.5\n");
    for i in 0..n {
        program.push_str(&format!("y{i} = x * {i}\n"));
    }
    let list: Vec<String> = (0..n).map(|i| format!("y{i}")).collect();
    program.push_str(&format!("output {}, y7\n", list.join(", ")));
    let start = std::time::Instant::now();
    let (status, _, err) = grad(&[&program]);
    let took = start.elapsed();
    assert_eq!(status, 2);
    assert!(
        err.contains("`y7` is listed twice"),
        "{}",
        &err[..err.len().min(2_000)]
    );
    assert!(err.len() < 4_000, "a {}-byte message", err.len());
    assert!(took < std::time::Duration::from_secs(20), "took {took:?}");
}

#[test]
fn several_outputs_without_inputs_say_what_makes_one() {
    let out = printed(&["const c = 2; a = c * 3; b = c + 1; output a, b"]);
    assert!(out.starts_with("a = 6\nb = 3\n\n(no inputs:"), "{out}");
}

#[test]
fn output_is_a_keyword_only_before_a_name() {
    assert_eq!(
        printed(&["x = 1; output = x * 2"]),
        "output = 2\n\n∂output/∂x = 2\n"
    );
    assert_eq!(
        printed(&["x = 1; output = x * 2; y = output + 1; output y"]),
        "y = 3\n\n∂y/∂x = 2\n"
    );
    // A bound name `output` alone is an expression statement, as before.
    assert_eq!(
        printed(&["x = 1; output = x * 2; output"]),
        "output = 2\n\n∂output/∂x = 2\n"
    );
}

#[test]
fn output_mistakes_point_at_their_spot() {
    let bound = "r = 2; theta = 0.3; x = r*cos(theta); y = r*sin(theta)";
    let cases: [(String, &str, &str, &str); 10] = [
        (
            format!("{bound}\noutput"),
            "`output` lists no names (line 2, column 1)",
            "list the outputs by name, as in `output y`",
            "──┬──",
        ),
        (
            format!("{bound}\noutput x, z"),
            "unknown name `z` (line 2, column 11)",
            "did you mean",
            "┬",
        ),
        (
            format!("{bound}\noutput xx, y"),
            "unknown name `xx` (line 2, column 8)",
            "did you mean `x`?",
            "┬",
        ),
        (
            format!("output x, y\n{bound}"),
            "unknown name `x` (line 1, column 8)",
            "`x` is bound later, at line 2, column 21, and `output` reads the names bound before it",
            "┬",
        ),
        (
            format!("{bound}\noutput x, y, x"),
            "`x` is listed twice (line 2, column 14)",
            "it is listed already at column 8",
            "┬",
        ),
        (
            format!("{bound}\noutput x\noutput y"),
            "a second `output` statement (line 3, column 1)",
            "the first is on line 2, column 1; list every output in one statement",
            "┬",
        ),
        (
            format!("{bound}\noutput x,"),
            "expected the name of an output after `,` (line 2, column 9)",
            "remove the last `,`",
            "┬",
        ),
        (
            format!("{bound}\noutput x y"),
            "expected `,` or the end of the statement after the output `x`, found `y` (line 2, column 10)",
            "separate the names with commas: `output a, b`",
            "┬",
        ),
        (
            format!("{bound}\noutput x + y"),
            "found `+` (line 2, column 10)",
            "to output an expression, bind it to a name first",
            "┬",
        ),
        (
            format!("{bound}\noutput 2"),
            "expected the name of an output after `output`, found the number 2 (line 2, column 8)",
            "bind it to a name first: `y = 2*x + 1; output y`",
            "┬",
        ),
    ];
    for (program, message, help, caret) in cases {
        let err = rejected(&program);
        assert!(err.contains(message), "{program:?}: {err}");
        assert!(err.contains(help), "{program:?}: {err}");
        assert!(err.contains(caret), "{program:?}: {err}");
    }
    let err = rejected("x = 1; output exp");
    assert!(
        err.contains("`exp` is a function, not a name bound to a value"),
        "{err}"
    );
    let err = rejected("x = 1; output , x");
    assert!(err.contains("remove this `,`"), "{err}");
}

#[test]
fn dot_draws_one_output_and_says_so_for_several() {
    let path = std::env::temp_dir().join(format!("grad-jacobian-{}.dot", std::process::id()));
    let path = path.to_str().unwrap();
    let (status, out, err) = grad(&["--dot", path, POLAR]);
    assert_eq!(status, 2);
    assert!(out.is_empty());
    assert!(
        err.contains(
            "--dot draws the graph of one output, and this statement lists 2: `x`, `y` (line 1, column 57)"
        ),
        "{err}"
    );
    assert!(!std::path::Path::new(path).exists());
    // One name listed: its graph.
    let (status, _, err) = grad(&["--dot", path, "a = 2; b = a * 3; c = b + 1; output b"]);
    assert_eq!(status, 0, "{err}");
    let dot = std::fs::read_to_string(path).unwrap();
    std::fs::remove_file(path).unwrap();
    assert_eq!(dot.matches("[label=").count(), 2, "{dot}");
}

#[test]
fn anomalies_and_warnings_cover_every_output() {
    let program = "a = 0; b = sqrt(a); c = a * 3; output c, b";
    let (status, out, err) = grad(&["--detect-anomaly", program]);
    assert_eq!(status, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("anomaly in the backward pass: node #1 `b` (sqrt)"),
        "{err}"
    );
    let (status, out, err) = grad(&[program]);
    assert_eq!(status, 0);
    assert_eq!(
        err,
        "warning: the gradient of `b` with respect to `a` is inf\n"
    );
    assert!(out.contains("∂b  inf"), "{out}");
}

#[test]
fn the_help_explains_the_output_statement_and_the_jacobian() {
    let help = common::help();
    for phrase in [
        "output y, z the outputs, by name: names bound before this statement",
        "Without an `output` statement the last statement is the output; with one, the names it lists are the outputs",
        "a row per output and a column per input, holding ∂y/∂x where row ∂y meets column ∂x",
        "so it is exactly what `output y` alone prints",
        "grad 'r = 2; theta = 0.3; x = r*cos(theta); y = r*sin(theta); output x, y'",
        "{ cat examples/programs/blog.grad; echo 'output E_o1, E_o2'; } | grad",
        r#"{"outputs": ["y", "z"], "inputs": ["x", ...], "values": {"y": V, "z": V}, "jacobian": {"y": {"x": J, ...}, "z": {...}}"#,
        r#"each NODE has "grads": {"y": G, "z": G}"#,
    ] {
        assert!(help.contains(phrase), "--help lacks {phrase:?}");
    }
    // The examples run, and the blog's is the one the README shows.
    assert_eq!(grad(&[POLAR]).0, 0);
}
