//! Models saved and loaded: bit-exact round trips, and a clear error (never
//! a panic) for every way a file can be wrong.

use std::path::PathBuf;

use autograd::Tape;
use nn::{
    Activation, Bias, LayerSpec, Loss, Mlp, ModelFileError, ModelFileErrorKind, Sgd, Trainer,
    UpdateOrder,
};
use proptest::prelude::*;

/// A path in the temporary directory, unique to this test process and `tag`.
fn temporary(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("nn-save-{}-{tag}.json", std::process::id()))
}

fn layers() -> Vec<LayerSpec> {
    vec![
        LayerSpec::new(5, Activation::LeakyRelu(0.03)),
        LayerSpec::new(4, Activation::Elu(0.7)).with_bias(Bias::Shared),
        LayerSpec::new(3, Activation::Softplus),
        LayerSpec::new(2, Activation::Identity),
    ]
}

/// A model trained for a few steps on a tape that is gone when it returns.
fn trained() -> Mlp {
    let tape = Tape::new();
    let mut model = Mlp::new(3, &layers(), 11);
    model.layers_mut()[2].freeze_weights();
    let mut trainer = Trainer::new(&tape, model, Loss::MeanSquaredError, Sgd::new(0.1));
    let samples: Vec<([f64; 3], [f64; 2])> = (0..8)
        .map(|k| {
            let x = f64::from(k) / 8.0;
            ([x, -x, x * x], [x.sin(), x.cos()])
        })
        .collect();
    for _ in 0..5 {
        trainer.step_batch(samples.iter().map(|(x, t)| (&x[..], &t[..])));
    }
    trainer.into_model()
}

fn bits(model: &Mlp) -> Vec<u64> {
    model.parameters().iter().map(|p| p.to_bits()).collect()
}

fn error(text: &str) -> ModelFileError {
    Mlp::from_json(text).expect_err("the text is refused")
}

#[test]
fn a_trained_model_returned_from_a_function_saves_and_loads_bit_for_bit() {
    let model = trained();
    let path = temporary("trained");
    model.save(&path).expect("saves");
    let loaded = Mlp::load(&path).expect("loads");
    std::fs::remove_file(&path).expect("cleans up");
    assert_eq!(bits(&loaded), bits(&model));
    assert_eq!(loaded, model); // shape, activations, frozen flags too
    assert!(loaded.layers()[2].weights_frozen());
    // And it computes the same outputs, bit for bit.
    let tape = Tape::new();
    let (a, b) = (model.bind(&tape), loaded.bind(&tape));
    let x = [0.3, -0.2, 0.9];
    let (ya, yb) = (
        a.forward(&a.inputs(&x)).outputs()[1].value(),
        b.forward(&b.inputs(&x)).outputs()[1].value(),
    );
    assert_eq!(ya.to_bits(), yb.to_bits());
}

#[test]
fn the_blogs_network_keeps_its_names_shared_biases_and_frozen_biases() {
    let mut model = nn::blog::network();
    model.freeze_biases();
    let text = model.to_json().expect("finite");
    for expected in [
        r#""format": "nn.Mlp""#,
        r#""version": 1"#,
        r#""layer_names": ["#,
        r#""activation": "sigmoid""#,
        r#""bias": "shared""#,
        r#""biases_frozen": true"#,
        r#""w1": 0.15"#,
        r#""b2": 0.6"#,
    ] {
        assert!(text.contains(expected), "{expected} not in\n{text}");
    }
    let loaded = Mlp::from_json(&text).expect("loads");
    assert_eq!(loaded, model);
    let names: Vec<_> = loaded.parameter_names().collect();
    assert_eq!(names[..3], ["w1", "w2", "w3"]);
    // Trained from the loaded model, the blog's first step is unchanged.
    let tape = Tape::new();
    let mut trainer = nn::blog::trainer(&tape, loaded, 0.5, UpdateOrder::Sequential);
    trainer.step(&nn::blog::INPUTS, &nn::blog::TARGETS);
    let after = trainer.step(&nn::blog::INPUTS, &nn::blog::TARGETS);
    assert!((after - 0.291_027_924).abs() < 1e-9, "{after}");
}

#[test]
fn parameters_read_back_in_any_order_and_with_defaults_left_out() {
    let text = r#"{
        "format": "nn.Mlp", "version": 1, "inputs": 2,
        "layers": [{"size": 1, "activation": "tanh"}],
        "parameters": {"l1.b1": -0.5, "l1.w1.2": 2, "l1.w1.1": 1e-3}
    }"#;
    let model = Mlp::from_json(text).expect("a valid file");
    assert_eq!(model.parameters(), [1e-3, 2.0, -0.5]);
    assert!(!model.layers()[0].biases_frozen());
}

#[test]
fn load_parameters_fills_a_model_of_the_same_shape_and_refuses_another() {
    let model = trained();
    let path = temporary("parameters");
    model.save(&path).expect("saves");
    let mut same = Mlp::new(3, &layers(), 99);
    same.load_parameters(&path).expect("same shape");
    assert_eq!(bits(&same), bits(&model));
    assert!(!same.layers()[2].weights_frozen(), "its own flags stay");

    let mut wider = layers();
    wider[1].size = 6;
    let mut other = Mlp::new(3, &wider, 99);
    let before = bits(&other);
    let e = other.load_parameters(&path).expect_err("another shape");
    std::fs::remove_file(&path).expect("cleans up");
    assert!(matches!(e.kind(), ModelFileErrorKind::ShapeMismatch(_)));
    let message = e.to_string();
    assert!(
        message.contains("layer 2 has 4 neurons in the file, 6 in this model"),
        "{message}"
    );
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert_eq!(bits(&other), before, "unchanged on error");

    let mut named = Mlp::new(3, &layers(), 1).with_names(&["a", "b", "c", "d"]);
    model.save(&path).expect("saves");
    let e = named.load_parameters(&path).expect_err("names differ");
    std::fs::remove_file(&path).expect("cleans up");
    assert!(e.to_string().contains("unnamed"), "{e}");
}

#[test]
fn a_missing_file_and_an_unwritable_path_name_the_path() {
    let e = Mlp::load("/no/such/dir/model.json").expect_err("no file");
    assert!(matches!(e.kind(), ModelFileErrorKind::Io(_)));
    assert!(
        e.to_string().starts_with("/no/such/dir/model.json: "),
        "{e}"
    );
    let e = trained()
        .save("/no/such/dir/model.json")
        .expect_err("no directory");
    assert!(matches!(e.kind(), ModelFileErrorKind::Io(_)));
    assert!(
        e.to_string().starts_with("/no/such/dir/model.json: "),
        "{e}"
    );
}

#[test]
fn a_diverged_model_is_not_saved() {
    let mut model = trained();
    model.parameters_mut()[7] = f64::NAN;
    let e = model.to_json().expect_err("NaN");
    let name = model.parameter_name(7).into_owned();
    assert!(
        matches!(e.kind(), ModelFileErrorKind::NotFinite { name: n, .. } if *n == name),
        "{e:?}"
    );
    assert!(e.to_string().contains("diverged"), "{e}");
    let path = temporary("nan");
    assert!(model.save(&path).is_err());
    assert!(!path.exists(), "nothing written");
}

#[test]
fn every_cut_of_a_file_is_refused_as_truncated() {
    let text = nn::blog::network().to_json().expect("finite");
    let end = text.trim_end().len();
    for cut in 0..end {
        let e = error(&text[..cut]);
        assert!(
            matches!(e.kind(), ModelFileErrorKind::Truncated { .. }),
            "cut at {cut}: {e}"
        );
    }
}

#[test]
fn a_missing_an_unknown_and_a_repeated_parameter_are_named() {
    let text = nn::blog::network().to_json().expect("finite");

    let e = error(&text.replace("\"w5\"", "\"w_5\""));
    assert!(
        matches!(e.kind(), ModelFileErrorKind::UnknownParameter { name, missing: Some(m) }
            if name == "w_5" && m == "w5"),
        "{e:?}"
    );

    let without_w6: String = text
        .lines()
        .filter(|line| !line.contains("\"w6\""))
        .collect::<Vec<_>>()
        .join("\n");
    let e = error(&without_w6);
    assert!(
        matches!(e.kind(), ModelFileErrorKind::MissingParameter { name } if name == "w6"),
        "{e:?}"
    );
    assert!(e.to_string().contains("`w6` is missing"), "{e}");

    let extra = text.replace("\"w1\": 0.15,", "\"w1\": 0.15, \"w0\": 1,");
    let e = error(&extra);
    assert!(
        matches!(e.kind(), ModelFileErrorKind::UnknownParameter { name, missing: None } if name == "w0"),
        "{e:?}"
    );

    let twice = text.replace("\"w1\": 0.15,", "\"w1\": 0.15, \"w1\": 0.16,");
    let line = 1 + text.lines().position(|l| l.contains("\"w1\"")).expect("w1");
    let e = error(&twice);
    assert!(
        matches!(e.kind(), ModelFileErrorKind::Schema { line: l, .. } if *l == line),
        "{e:?}"
    );
    assert!(e.to_string().contains("`w1` is given twice"), "{e}");
}

#[test]
fn schema_errors_say_what_and_where() {
    let text = nn::blog::network().to_json().expect("finite");
    let cases: [(&str, &str, &str); 6] = [
        ("\"sigmoid\"", "\"swish\"", "unknown variant `swish`"),
        ("\"size\"", "\"sise\"", "unknown field `sise`"),
        ("\"size\": 2", "\"size\": -2", "invalid value: integer `-2`"),
        (
            "\"w1\": 0.15",
            "\"w1\": \"0.15\"",
            "invalid type: string \"0.15\"",
        ),
        ("\"w1\": 0.15", "\"w1\": 1e999", "number out of range"),
        ("\"w1\": 0.15", "\"w1\": null", "invalid type: null"),
    ];
    for (from, to, says) in cases {
        let e = error(&text.replacen(from, to, 1));
        assert!(
            matches!(e.kind(), ModelFileErrorKind::Schema { line, .. } if *line > 1),
            "{to}: {e:?}"
        );
        let message = e.to_string();
        assert!(message.contains(says), "{to}: {message}");
        assert!(message.starts_with("line "), "{to}: {message}");
    }
    let e = error("{\"format\": \"nn.Mlp\", \"version\": 1, oops}");
    assert!(
        matches!(
            e.kind(),
            ModelFileErrorKind::Syntax {
                line: 1,
                column: 36,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn other_files_and_versions_are_named_as_such() {
    let text = nn::blog::network().to_json().expect("finite");
    let e = error(&text.replace("\"version\": 1", "\"version\": 2"));
    assert!(
        matches!(e.kind(), ModelFileErrorKind::Version { found: Some(v) } if v == "2"),
        "{e:?}"
    );
    let e = error(&text.replace("\"nn.Mlp\"", "\"keras\""));
    assert!(
        matches!(e.kind(), ModelFileErrorKind::NotAModel { found: Some(f) } if f == "\"keras\""),
        "{e:?}"
    );
    let e = error("[1, 2, 3]");
    assert!(
        matches!(e.kind(), ModelFileErrorKind::Schema { .. }),
        "{e:?}"
    );
    let e = error("{\"weights\": [1, 2]}");
    assert!(
        matches!(e.kind(), ModelFileErrorKind::NotAModel { found: None }),
        "{e:?}"
    );
}

#[test]
fn impossible_architectures_are_refused_without_allocating_them() {
    let file = |inputs: &str, layers: &str, extra: &str| {
        format!(
            "{{\"format\": \"nn.Mlp\", \"version\": 1, \"inputs\": {inputs}, {extra}\
             \"layers\": [{layers}], \"parameters\": {{\"l1.w1.1\": 1}}}}"
        )
    };
    let cases = [
        (file("1", "", ""), "at least one layer"),
        (
            file("1", r#"{"size": 0, "activation": "relu"}"#, ""),
            "layer 0 has no neurons",
        ),
        (
            file(
                "1",
                r#"{"size": 1, "activation": "relu"}"#,
                r#""layer_names": ["a", "b"], "#,
            ),
            "2 layer names for 1 layers",
        ),
        (
            file(
                "18446744073709551615",
                r#"{"size": 18446744073709551615, "activation": "relu"}"#,
                "",
            ),
            "too many parameters",
        ),
    ];
    for (text, says) in cases {
        let e = error(&text);
        assert!(
            matches!(e.kind(), ModelFileErrorKind::Architecture(_)),
            "{text}: {e:?}"
        );
        assert!(e.to_string().contains(says), "{text}: {e}");
    }
    // Huge, but addressable: the first missing parameter, found in a few steps.
    let e = error(&file(
        "1000000",
        r#"{"size": 1000000, "activation": "relu"}"#,
        "",
    ));
    assert!(
        matches!(e.kind(), ModelFileErrorKind::MissingParameter { name } if name == "l1.w1.2"),
        "{e:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any finite parameters, subnormals and -0 included, read back as the
    /// same bits.
    #[test]
    fn any_finite_parameters_round_trip_bit_for_bit(
        bits_of in proptest::collection::vec(any::<u64>(), 27),
    ) {
        let mut model = Mlp::zeros(2, &[LayerSpec::new(4, Activation::Tanh), LayerSpec::new(3, Activation::Identity)]);
        let values: Vec<f64> = bits_of
            .iter()
            .map(|&b| f64::from_bits(b))
            .map(|x| if x.is_finite() { x } else { -0.0 })
            .collect();
        model.set_parameters(&values);
        let loaded = Mlp::from_json(&model.to_json().unwrap()).unwrap();
        prop_assert_eq!(bits(&loaded), bits(&model));
    }

    /// Corrupting any byte never panics: an error, or a model.
    #[test]
    fn a_corrupted_byte_never_panics(at in 0usize..10_000, byte in any::<u8>()) {
        let mut text = nn::blog::network().to_json().unwrap().into_bytes();
        let at = at % text.len();
        text[at] = byte;
        if let Ok(text) = String::from_utf8(text) {
            let _ = Mlp::from_json(&text);
        }
    }
}
