//! The blog's page (`worked-example --html`) in a real browser, headless
//! Chromium: stepped through the whole forward and backward pass with its
//! buttons and keys, every node's shown value and gradient checked against
//! the engine's, the console free of errors, and screenshots saved in
//! `target/page-screenshots/` for a person to look at.
//!
//! Skipped, with a message, when Chromium or chromedriver is missing;
//! `REQUIRE_BROWSER=1` (which CI sets) makes that a failure.

mod driver;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use autograd::{Tape, Var};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

use driver::{Driver, Tools};

/// `target/page-screenshots/`, made if need be: next to the build's
/// profile directory (`target/debug`), wherever the target directory is.
fn screenshots() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its path");
    // target/debug/deps/browser-…: three levels up is the target directory.
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the test binary lives in target/<profile>/deps");
    let dir = target.join("page-screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot directory can be made");
    dir
}

/// Runs the worked example with `args`; its standard output.
fn worked_example(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_worked-example"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the worked example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// A number as `--json` writes it.
fn json(x: f64) -> String {
    serde_json::to_string(&x).expect("a finite number")
}

/// The engine's value and gradient of every node of the blog's first
/// pass, as `--json` writes them (`"null"` for no gradient), by the name
/// the page gives the node (its name, or `#id`).
fn engine() -> HashMap<String, (String, String)> {
    let tape = Tape::new();
    let mlp = nn::blog::network().bind(&tape);
    let pass = nn::blog::forward(&mlp);
    let grads = pass.total.backward();
    (0..tape.len())
        .filter_map(|k| tape.node(k))
        .map(|node: Var<'_>| {
            let key = node.name().unwrap_or_else(|| format!("#{}", node.index()));
            let grad = grads.get(node).map_or_else(|| "null".to_owned(), json);
            (key, (json(node.value()), grad))
        })
        .collect()
}

/// Every node element's `data-node`, `data-value` and `data-grad`.
async fn hooks(client: &Client) -> Vec<(String, Option<String>, Option<String>)> {
    let script = "return Array.from(document.querySelectorAll('[data-node]')).map(function (e) {
        return [e.getAttribute('data-node'), e.getAttribute('data-value'), e.getAttribute('data-grad')];
    });";
    let rows = client
        .execute(script, vec![])
        .await
        .expect("the script runs");
    rows.as_array()
        .expect("a list")
        .iter()
        .map(|row| {
            let text = |k: usize| row[k].as_str().map(str::to_owned);
            (text(0).expect("data-node"), text(1), text(2))
        })
        .collect()
}

/// How many nodes show a value and how many a gradient.
async fn revealed(client: &Client) -> (usize, usize) {
    let hooks = hooks(client).await;
    (
        hooks.iter().filter(|h| h.1.is_some()).count(),
        hooks.iter().filter(|h| h.2.is_some()).count(),
    )
}

async fn click(client: &Client, id: &str) {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking #{id}: {e}"));
}

async fn enabled(client: &Client, id: &str) -> bool {
    client
        .find(Locator::Id(id))
        .await
        .expect("the control")
        .is_enabled()
        .await
        .expect("enabled or not")
}

async fn screenshot(client: &Client, path: &Path) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(path, png).expect("the screenshot is saved");
}

#[test]
fn the_blogs_page_steps_through_both_passes_with_the_engines_numbers() {
    let Some(tools) = Tools::find_or_skip("the browser test of the blog's page") else {
        return;
    };
    let dir = screenshots();
    let page = dir.join("blog.html");
    worked_example(&["--quiet", "--html", page.to_str().expect("a UTF-8 path")]);
    let size = std::fs::metadata(&page).expect("the page").len();
    assert!(size < 1_000_000, "the page is {size} bytes");

    let engine = engine();
    let figures: Value = serde_json::from_str(&worked_example(&["--json"])).expect("JSON");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let driver = Driver::start(&tools);
    runtime.block_on(async {
        let client = driver.session().await;
        driver::viewport(&client, 1280, 800, false).await;
        driver::dark(&client, false).await;
        client
            .goto(&driver::file_url(&page))
            .await
            .expect("the page opens");

        // Every node is there, and nothing is shown before the first step.
        let start = hooks(&client).await;
        let mut keys: Vec<&str> = start.iter().map(|h| h.0.as_str()).collect();
        keys.sort_unstable();
        let mut expected: Vec<&str> = engine.keys().map(String::as_str).collect();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(revealed(&client).await, (0, 0));
        assert!(!enabled(&client, "step-backward").await);

        // The forward pass: the leaves at once, then a node a step; then
        // the backward pass, a node a step, until Forward is disabled.
        let nodes = engine.len();
        let leaves = 12;
        let mut steps = 0;
        let mut backward_at_out_h1 = None;
        while enabled(&client, "step-forward").await {
            click(&client, "step-forward").await;
            steps += 1;
            let (values, grads) = revealed(&client).await;
            if steps <= nodes - leaves + 1 {
                assert_eq!((values, grads), (leaves + steps - 1, 0), "step {steps}");
            } else {
                assert_eq!(
                    (values, grads),
                    (nodes, steps - (nodes - leaves + 1)),
                    "step {steps}"
                );
            }
            if steps == 12 {
                screenshot(&client, &dir.join("1-forward.png")).await;
            }
            let out_h1 = hooks(&client).await;
            if backward_at_out_h1.is_none()
                && out_h1.iter().any(|h| h.0 == "out_h1" && h.2.is_some())
            {
                backward_at_out_h1 = Some(steps);
                // out_h1 is read by two nodes: two edges say what they send.
                let labels = client
                    .find_all(Locator::Css(".edge-label"))
                    .await
                    .expect("edge labels");
                assert_eq!(labels.len(), 2);
                for label in labels {
                    let text = label.text().await.expect("text");
                    assert_eq!(text.matches(['×', '=']).count(), 2, "{text}");
                }
                screenshot(&client, &dir.join("2-backward.png")).await;
            }
        }
        assert_eq!(steps, 1 + (nodes - leaves) + nodes);
        screenshot(&client, &dir.join("3-done.png")).await;

        // Every node shows the engine's numbers, exactly as --json writes them.
        for (key, value, grad) in hooks(&client).await {
            let (engine_value, engine_grad) = &engine[&key];
            assert_eq!(value.as_ref(), Some(engine_value), "value of {key}");
            assert_eq!(grad.as_ref(), Some(engine_grad), "gradient of {key}");
        }
        // And they are the figures `worked-example --json` prints.
        let shown: HashMap<String, (Option<String>, Option<String>)> = hooks(&client)
            .await
            .into_iter()
            .map(|(k, v, g)| (k, (v, g)))
            .collect();
        let number = |text: &Option<String>| -> f64 {
            text.as_deref().expect("shown").parse().expect("a number")
        };
        let mut compared = 0;
        for figure in figures["figures"].as_array().expect("figures") {
            let name = figure["name"].as_str().expect("a name");
            let engine = figure["engine"].as_f64().expect("a number");
            let (value, grad) = match name.strip_prefix("dE_total/d") {
                Some(node) => (None, shown.get(node).map(|s| number(&s.1))),
                None => (shown.get(name).map(|s| number(&s.0)), None),
            };
            if let Some(shown) = value.or(grad) {
                assert_eq!(shown, engine, "{name}");
                compared += 1;
            }
        }
        assert!(compared >= 13, "{compared} figures compared");

        // A click on a box shows its details: the engine's gradient and
        // the chain rule that made it.
        client
            .find(Locator::Css(r#"[data-node="w5"]"#))
            .await
            .expect("w5's box")
            .click()
            .await
            .expect("w5 clicked");
        let details = client
            .find(Locator::Id("details"))
            .await
            .expect("the details")
            .text()
            .await
            .expect("their text");
        assert!(details.contains(&engine["w5"].1), "{details}");
        assert!(details.contains("The chain rule"), "{details}");

        // Back one step hides the last gradient; the keys step and reset.
        click(&client, "step-backward").await;
        assert_eq!(revealed(&client).await, (nodes, nodes - 1));
        driver::press(&client, Key::Home, 1).await;
        assert_eq!(revealed(&client).await, (0, 0));
        driver::press(&client, Key::Right, 2).await;
        assert_eq!(revealed(&client).await, (leaves + 1, 0));
        driver::press(&client, Key::Left, 1).await;
        assert_eq!(revealed(&client).await, (leaves, 0));
        click(&client, "reset").await;
        assert_eq!(revealed(&client).await, (0, 0));

        // The training view's slider at its end shows the graph after
        // 10,000 updates of true gradient descent (the figure's second
        // column).
        click(&client, "training-toggle").await;
        assert_eq!(revealed(&client).await, (nodes, nodes));
        let slider = client
            .find(Locator::Id("training-step"))
            .await
            .expect("the slider");
        slider.click().await.expect("the slider takes the focus");
        driver::press(&client, Key::End, 1).await;
        let after = hooks(&client).await;
        let total = after.iter().find(|h| h.0 == "E_total").expect("E_total");
        let row_30 = &figures["figures"][29];
        assert_eq!(
            number(&total.1),
            row_30["true_gradient_descent"].as_f64().expect("a number"),
            "E_total after 10,000 updates"
        );
        screenshot(&client, &dir.join("training.png")).await;
        click(&client, "reset").await;
        assert_eq!(revealed(&client).await, (0, 0));

        // Mid-backward again on a phone, and in dark mode.
        let at = backward_at_out_h1.expect("out_h1 got its gradient");
        client
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .expect("scrolled");
        // A phone opens the page at its own size.
        driver::viewport(&client, 390, 844, true).await;
        client
            .goto(&driver::file_url(&page))
            .await
            .expect("the page opens");
        driver::press(&client, Key::Right, at).await;
        screenshot(&client, &dir.join("phone-backward.png")).await;
        driver::viewport(&client, 1280, 800, false).await;
        driver::dark(&client, true).await;
        screenshot(&client, &dir.join("dark-backward.png")).await;

        let errors = driver::console_errors(&client).await;
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        client.close().await.expect("the session closes");
    });
}
