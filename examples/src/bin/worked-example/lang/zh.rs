//! The worked example in Chinese, with the terms of the seed's translation
//! of the blog (“机器学习：一步步教你理解反向传播方法”): 前向传播, 计算总误差,
//! 反向传播, 输出层, 隐层, 链式法则, 学习率, 权重, 偏置.

use super::Catalogue;

/// Every text, in Chinese.
pub(crate) const ZH: Catalogue = Catalogue {
    report_title: "一步步理解反向传播（Matt Mazur 的示例），由引擎复现",
    report_intro: "\
一个 2-2-2 的 sigmoid 神经网络，一个样本（i1 = 0.05，i2 = 0.10；目标值 0.01、0.99），
每层一个共享的偏置。下面的每一个数都读自引擎：值读自节点，
导数读自一次反向传播中每个节点的梯度。",
    learning_rate: "学习率 η = {rate}，{steps}。",
    training_steps_one: "训练 {n} 步",
    training_steps_many: "训练 {n} 步",
    legend: "\
✓ 按博文印出的位数舍入后一致   ≈ 与其最后一位相差不超过一个单位
✗ 不一致                       - 在这些设置下无可比较",
    section_forward: "前向传播",
    section_error: "计算总误差",
    section_output_layer: "反向传播：输出层",
    section_hidden_layer: "反向传播：隐层",
    section_hidden_layer_named: "反向传播：隐层 {name}",
    section_update: "更新权重",
    section_training: "训练",
    column_row: "行",
    column_quantity: "量",
    column_engine: "引擎",
    column_blog: "博文",
    column_read_from: "读自",
    column_sequential: "先更新输出层",
    column_true_gradient_descent: "真正的梯度下降",
    column_check_symbol: "check 符号",
    column_line: "行",
    column_symbol: "符号",
    column_yours: "你的",
    row_20: "\
第 20 行（≈）：博文对一个中间结果做了舍入；精确值舍入后是
{value}。博文还把它记作 w5，其实它是 δ_o2 · w7。",
    why_two_orders: "\
为什么有两列：博文的正文用原来的 w5..w8 计算隐层的梯度（真正的梯度下降，
第 24-28 行），但它更新之后的数字来自先更新 w5..w8，再把同样的输出层 δ
通过更新后的 w5..w8 反向传播。引擎两种都能复现；博文印出的数字与
先更新输出层的顺序一致。",
    errata: "\
博文及其中文译文中的错误：
  - “out_h1 = 1/(1+e^(net_h1))” 漏了一个负号：应为 1/(1+e^(-net_h1))。
  - 训练集只有一个样本，输入 (0.05, 0.10)，目标值 (0.01, 0.99)；
    译文的“输入的两个样本是 (0.05, 0.99), (0.10, 0.99)”是误译。
  - 译文在介绍输出层的计算时说“对于输入层神经元”，指的是输出层。
  - “dE_o2/dout_h1 = w_5 = {row20}”：这个值是 δ_o2 · w7（第 20 行）。
  - w6+/w7+/w8+ 和 w2+/w3+/w4+ 几行连在一起，没有分隔。
  - w5+ = {row13}（第 13 行）只在英文原文中印出。
  - 英文原文把 10,000 次更新后的 E_total 印作 {english30}，
    与两种顺序都不一致；译文的 {row30} 是先更新输出层的顺序
    保留 9 位小数的值。",
    verdict: "{compared} 个数字中有 {agree} 个与博文一致",
    verdict_skipped: "（{skipped} 个在这些设置下无可比较）",
    trace_title: "第一次反向传播之后网络的计算带",
    trace_note: "（grad 是 ∂E_total/∂节点；常数没有梯度）",
    explain_title: "用链式法则写出第一次反向传播的每一个导数",
    explain_note: "\
（每个梯度 ∂E_total/∂x 是对读取 x 的每个节点 c 求和 ∂E_total/∂c · ∂c/∂x；
每个局部导数 ∂c/∂x 都附上它的公式）",
    source_value: "{name} 的值",
    source_adjoint: "backward({from}) 中 {of} 的伴随值",
    source_update: "{name} - η · {name} 的伴随值",
    after_updates: "{updates}后的 {what}",
    updates_one: "{n} 次更新",
    updates_many: "{n} 次更新",
    plot_title: "示例：训练中的 E_total（η = {rate}）",
    network_title: "一步步理解反向传播，由引擎在一个 {shape} 网络上演算",
    hidden_layer: "隐层 {name}：{neurons}",
    output_layer: "输出层 {name}：{neurons}",
    neurons_one: "{n} 个 {activation} 神经元",
    neurons_many: "{n} 个 {activation} 神经元",
    semicolon: "；",
    comma: "，",
    bias_shared: "每层一个偏置，由该层的神经元共享",
    bias_per_neuron: "每个神经元一个偏置",
    network_intro: "{layers}；{bias}，和博文一样保持不变。一个样本：{inputs}；目标值 \
                    {targets}。每个输出的误差为 E = {error}，E_total 是它们的和。学习率 η = \
                    {rate}，{steps}。初始参数来自{origin}。下面的每一个数都读自引擎：值读自节点，\
                    导数读自一次反向传播中每个节点的梯度。用 `worked-example check` \
                    加上同样的选项来检查你自己算的数。",
    origin_seed: "随机种子 {seed}",
    origin_file: "文件 {name}",
    word_target: "目标值",
    word_out: "输出",
    parameters_title: "初始参数",
    parameters_note: "（把这几行存成文件，交给 --weights，就从这些参数开始）",
    check_title: "用{network}检查 {source}",
    network_blog: "博文的网络",
    network_other: "该网络",
    network_description: "{title}，{shape}，η = {rate}",
    check_summary: "{numbers}中有 {agreeing} 个在你写出的精度内一致。",
    numbers_one: "{n} 个数",
    numbers_many: "{n} 个数",
    check_first: "按演算的计算顺序，第一个不一致的是：{symbol}（第 {line} 行）。",
    check_diagnosis: "诊断：",
    diagnosis_none: "每一个数都在你写出的精度内与引擎一致。",
    also_rounded: "你还对中间结果做了舍入并用舍入后的数继续计算，这只影响最后几位。",
    also_fits: "你的数同样符合 {ids}。",
    and: " 和 ",
    mistake_update_sign: "你的更新沿着梯度上升而不是下降：{w}+ = {w} + η·∂E_total/∂{w}。\
                          梯度下降要逆着梯度走：{update}。",
    mistake_error_sign: "你的梯度符号反了：你取了 ∂{e}/∂{out} = 目标值 − {out}。对 {e} = \
                         ½(目标值 − {out})² 用链式法则，里面的 (目标值 − {out}) 带来一个因子 \
                         −1，所以 ∂{e}/∂{out} = {out} − 目标值 = {out_value} − {target} = \
                         {derivative}，之后的每一个梯度都带着这个符号。",
    mistake_missing_half: "你用了没有 ½ 的 E = (目标值 − 输出)²，所以每一个误差和每一个梯度\
                           都是演算中的两倍。有了 {e} = ½(目标值 − {out})² = {error}，½ \
                           正好消去平方求导得到的 2：∂{e}/∂{out} = {out} − 目标值 = \
                           {derivative}。",
    mistake_sigmoid_of_net: "你在网络输入处求了 sigmoid 的导数，即 net(1 − net)。out = \
                             σ(net) 的导数是 σ(net)(1 − σ(net)) = out(1 − out)：\
                             ∂{out}/∂{net} = {out_value} × (1 − {out_value}) = {derivative}。",
    mistake_updated_weights: "你用更新后的权重（用 {w}+ 而不是 {w}）向下一层反向传播，\
                              就像博文自己在第一次更新之后的数字那样。一步中的每一个梯度\
                              都要在更新之前的权重处计算：∂E_total/∂{below} = {formula} = \
                              {numbers} = {total}。",
    mistake_single_path: "你只沿着一条路径求导：∂E_total/∂{below} = ∂{e}/∂{below}。{below} \
                          影响每一个输出，E_total 沿着每条路径都依赖它，所以各条路径要相加：\
                          ∂E_total/∂{below} = {terms} = {values} = {total}。",
    mistake_biases: "你把偏置也更新了（b+ = b − η·∂E_total/∂b）。这个演算和博文一样保持\
                     偏置不变（{biases}），只更新权重，例如 {update}。",
    mistake_learning_rate: "你用的学习率是 η = {yours}（由你更新后的权重得出）；演算用的是 \
                            η = {rate}：{update}。",
    mistake_swapped_targets: "你把目标值弄反了：{targets}。{e} = {formula} = {error}。",
    target_of: "{output} 的目标值是 {target}",
    rounded: "你的方法是对的，但你把中间结果舍入到你写出的位数，又用舍入后的数继续计算，\
              所以最后几位有偏差",
    rounded_first: "：{symbol} 在你的文件里是 {yours}，引擎算出的是 {engine}",
    rounded_end: "。保留每一位直到最后，只在写下来时舍入。",
    unknown: "没有哪一个已知的错误能重现你的数。",
    unknown_first: "按演算的计算顺序，第一个不一致的是第 {line} 行的 {symbol}：你的是 \
                    {yours}，引擎的是 {engine}。",
    unknown_after: "它是 {updates}后的值：先算第一次更新（每个 w+，然后 E_total@1），\
                    检查无误后再继续训练。",
    unknown_self: "一个节点对它自己的导数是 1。",
    unknown_not_upstream: "它是 0：{of} 不依赖 {wrt}，{wrt} 不在通往它的任何路径上。",
    unknown_local: "它是一个局部导数，没有可以由之计算的量：检查你是怎么抄写的。",
    unknown_given: "它是给定的，不是算出来的：检查你是怎么抄写的。",
    unknown_inputs: "它由 {inputs} 算出；所以看看把它们合起来的那一步。",
    input_agrees: "你的一致",
    input_disagrees: "你的不一致",
    input_missing: "不在你的文件里",
};
