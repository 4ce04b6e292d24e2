namespace SparseDsl;

/// <summary>
/// Declares a study: which model, on which data, for how long. The generator turns the partial class into the
/// experiment program (<c>run</c>, <c>list</c>, <c>report</c>, <c>fit</c>; see <see cref="Experiments.ExperimentProgram"/>).
/// </summary>
/// <remarks>
/// <para>The other attributes of the class say how it trains and what varies between runs:</para>
/// <code>
/// [Experiment(typeof(SmallMlp), Data = "synthetic", Steps = 300, Batch = 64, EvalEvery = 100)]
/// [Optimizer("adamw lr=3e-3 wd=1e-4 warmup=10% cosine")]
/// [SparsitySchedule("rigl every=100 drop=0.3 cosine until=75%")]
/// [Grid("sparsity", "0, 0.8, 0.95")]
/// [Grid("seed", "1..3")]
/// public static partial class QuickStudy;
/// </code>
/// <para><c>dotnet run -- run</c> trains every grid point into <c>results.db</c>; <c>dotnet run -- report</c> shows them.
/// Build errors (pages docs/diagnostics/SPDnnn.md): SPD001 the class is not partial; SPD005 <paramref name="model"/> is not a
/// <c>[SparseModel]</c>; SPD305 unknown <see cref="Data"/>; SPD306 steps, batch and evaluation interval not positive and
/// consistent.</para>
/// </remarks>
/// <param name="model">The <c>[SparseModel]</c> class to train: <c>typeof(SmallMlp)</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ExperimentAttribute(Type model) : Attribute
{
    /// <summary>The <c>[SparseModel]</c> class to train.</summary>
    public Type Model { get; } = model;

    /// <summary><c>fashion-mnist</c> or <c>synthetic</c> (seeded Gaussian clusters, no download); docs/data.md. SPD305 for any other name.</summary>
    public string Data { get; set; } = "synthetic";

    /// <summary>Training steps of each run (default 1000); the grid axis <c>steps</c> replaces it per run.</summary>
    public int Steps { get; set; } = 1000;

    /// <summary>Samples per step (default 128); the grid axis <c>batch</c> replaces it per run.</summary>
    public int Batch { get; set; } = 128;

    /// <summary>Evaluate on the test split every this many steps (0: only at the end).</summary>
    public int EvalEvery { get; set; }
}

/// <summary>
/// The optimizer as an expression: <c>[Optimizer("adamw lr=1e-3 wd=1e-4 warmup=5% cosine")]</c>,
/// <c>[Optimizer("sgd lr=0.1 momentum=0.9 nesterov wd=5e-4")]</c>.
/// </summary>
/// <remarks>
/// <para><c>sgd</c> or <c>adamw</c>, then options in any order, each at most once (docs/language.md, docs/optimizers.md):</para>
/// <list type="table">
/// <item><term><c>lr=</c></term><description>base learning rate (default 0.1 for sgd, 1e-3 for adamw); the grid axis <c>lr</c> replaces it</description></item>
/// <item><term><c>momentum=</c>, <c>nesterov</c></term><description>sgd: heavy-ball momentum in [0, 1), Nesterov's variant</description></item>
/// <item><term><c>betas=0.9,0.999</c>, <c>eps=1e-8</c></term><description>adamw: moment decays, epsilon</description></item>
/// <item><term><c>wd=</c></term><description>decoupled weight decay (default 0 for sgd, 0.01 for adamw)</description></item>
/// <item><term><c>warmup=200</c> or <c>warmup=5%</c></term><description>linear learning-rate warm-up, in steps or a fraction of training</description></item>
/// <item><term><c>constant</c> | <c>cosine</c> | <c>linear</c>, <c>min=</c></term><description>the learning rate's shape after warm-up, and its final fraction of lr</description></item>
/// <item><term><c>density-lr=</c>, <c>moment-warmup=</c></term><description>adamw: SMET's density-aware learning rate and first-moment warm-up</description></item>
/// </list>
/// <para>Build errors (pages docs/diagnostics/SPDnnn.md): SPD207 the expression does not parse (an unknown option is
/// named, with the known ones); SPD208 an option is out of range; SPD209 a SMET setting is invalid or contradicts the
/// schedule.</para>
/// </remarks>
/// <param name="expression">The optimizer expression, e.g. <c>"adamw lr=3e-3 wd=1e-4 warmup=10% cosine"</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OptimizerAttribute(string expression) : Attribute
{
    /// <summary>The optimizer expression as written.</summary>
    public string Expression { get; } = expression;
}

/// <summary>
/// How sparsity evolves during training: <c>[SparsitySchedule("rigl every=100 drop=0.3 cosine until=75%")]</c>;
/// <c>static</c>, <c>gmp ...</c>, <c>set ...</c>, <c>rigl ...</c>, <c>smet ...</c>.
/// </summary>
/// <remarks>
/// <para>The forms (docs/language.md, docs/dynamic-sparsity.md):</para>
/// <list type="table">
/// <item><term><c>static</c></term><description>the mask is drawn once and never changes</description></item>
/// <item><term><c>gmp from=0 to=0.9 start=10% end=80% every=100</c></term><description>gradual magnitude pruning to the final sparsity <c>to=</c> (required)</description></item>
/// <item><term><c>set every=100 drop=0.3</c></term><description>SET: drop the smallest weights, regrow at random</description></item>
/// <item><term><c>rigl every=100 drop=0.3 cosine until=75%</c></term><description>RigL: regrow where the dense gradient is largest</description></item>
/// <item><term><c>smet every=100 drop=0.2 cosine floor=0.005</c></term><description>SMET: SET with a density-aware learning rate and moment warm-up (<c>warmup=</c>, <c>density-lr=</c>)</description></item>
/// </list>
/// <para>Options: <c>every=</c> update interval in steps; <c>drop=</c> drop fraction in (0, 1); <c>constant</c> or
/// <c>cosine</c> decay of it, down to <c>floor=</c>; <c>start=</c> and <c>until=</c> as steps (<c>200</c>) or a
/// fraction of training (<c>75%</c>); <c>grow=random|gradient|momentum</c>. The grid axes <c>schedule</c>,
/// <c>update_every</c> and <c>drop</c> vary them per run.</para>
/// <para>Build errors (pages docs/diagnostics/SPDnnn.md): SPD201 the schedule does not parse; SPD202 the update
/// interval is not positive or not shorter than training; SPD203 drop fraction outside (0, 1); SPD204 the schedule
/// starts after it ends or outside training; SPD205 gmp's final sparsity is below its initial one; SPD209 SMET settings contradict the optimizer; SPD401 (warning) valid but not
/// runnable by this version (<c>grow=momentum</c>).</para>
/// </remarks>
/// <param name="expression">The schedule expression, e.g. <c>"set every=100 drop=0.3"</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SparsityScheduleAttribute(string expression) : Attribute
{
    /// <summary>The schedule expression as written.</summary>
    public string Expression { get; } = expression;
}

/// <summary>
/// One axis of the experiment grid: <c>[Grid("sparsity", "0, 0.5, 0.9")]</c>, <c>[Grid("batch", "1..16 x2")]</c>.
/// Points are the cartesian product of the axes, first axis slowest; each point is one run.
/// </summary>
/// <remarks>
/// <para>Values (docs/language.md, "Grid values"):</para>
/// <list type="table">
/// <item><term><c>0, 0.5, 0.9</c></term><description>a list; numbers take the suffixes <c>k</c>, <c>M</c>, <c>B</c> and <c>%</c> (<c>100k, 1M</c>)</description></item>
/// <item><term><c>1..3</c></term><description>an inclusive integer range: 1, 2, 3</description></item>
/// <item><term><c>1..16 x2</c></term><description>a geometric range: 1, 2, 4, 8, 16</description></item>
/// <item><term><c>uniform, er, erk</c></term><description>text values, trimmed; quote one that contains a comma: <c>'a, b'</c></description></item>
/// </list>
/// <para>Axes: <c>sparsity</c> (in [0, 1)), <c>seed</c>, <c>lr</c>, <c>batch</c>, <c>steps</c>, <c>distribution</c>
/// (<c>uniform, er, erk</c>), <c>schedule</c> (<c>"static, set, rigl every=100 drop=0.3"</c>), <c>pattern</c>
/// (<c>"unstructured, block 16x16, 2:4"</c>), <c>update_every</c>, <c>drop</c>.</para>
/// <para>Build errors (pages docs/diagnostics/SPDnnn.md): SPD301 unknown axis; SPD302 values missing, unreadable or
/// repeated; SPD303 the axis is declared twice; SPD304 (warning) more points than <c>SparseDslMaxGridPoints</c>
/// (10,000); SPD307 a value is invalid for its axis (a sparsity of 1.2, say).</para>
/// </remarks>
/// <param name="axis">The axis name: <c>sparsity</c>, <c>seed</c>, <c>lr</c>, <c>batch</c>, <c>steps</c>, <c>distribution</c>, <c>schedule</c>, <c>pattern</c>, <c>update_every</c> or <c>drop</c>.</param>
/// <param name="values">The values: <c>"0, 0.8, 0.95"</c>, <c>"1..3"</c>, <c>"1..16 x2"</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class GridAttribute(string axis, string values) : Attribute
{
    /// <summary>The axis name as written.</summary>
    public string Axis { get; } = axis;

    /// <summary>The values expression as written.</summary>
    public string Values { get; } = values;
}
