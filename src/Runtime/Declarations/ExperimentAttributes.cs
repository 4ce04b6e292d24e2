namespace SparseDsl;

/// <summary>
/// Declares a study: which model, on which data, for how long. The generator turns the partial class into the
/// experiment program (<c>run</c>, <c>list</c>, <c>report</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ExperimentAttribute(Type model) : Attribute
{
    public Type Model { get; } = model;

    /// <summary><c>fashion-mnist</c> or <c>synthetic</c>.</summary>
    public string Data { get; set; } = "synthetic";

    public int Steps { get; set; } = 1000;

    public int Batch { get; set; } = 128;

    /// <summary>Evaluate on the test split every this many steps (0: only at the end).</summary>
    public int EvalEvery { get; set; }
}

/// <summary>The optimizer as an expression: <c>[Optimizer("adamw lr=1e-3 wd=1e-4 warmup=5% cosine")]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OptimizerAttribute(string expression) : Attribute
{
    public string Expression { get; } = expression;
}

/// <summary>How sparsity evolves during training: <c>static</c>, <c>gmp ...</c>, <c>set ...</c>, <c>rigl ...</c>, <c>smet ...</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SparsityScheduleAttribute(string expression) : Attribute
{
    public string Expression { get; } = expression;
}

/// <summary>One axis of the experiment grid: <c>[Grid("sparsity", "0, 0.5, 0.9")]</c>. Points are the cartesian product.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class GridAttribute(string axis, string values) : Attribute
{
    public string Axis { get; } = axis;

    public string Values { get; } = values;
}
