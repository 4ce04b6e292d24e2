using SparseDsl.Training;

namespace SparseDsl.EndToEnd.Tests;

/// <summary>
/// The slow twin of a generated network: the same layers in float64 plain loops, from the network's own
/// weights. Activations feature-major [features, batch] as in the runtime.
/// </summary>
internal sealed class ReferenceNetwork
{
    private readonly List<(double[] W, double[] B, int In, int Out, Activation Act)> layers = new();

    public ReferenceNetwork(ISparseNetwork network)
    {
        foreach (var layer in network.Layers.OfType<Linear>())
        {
            layers.Add((layer.ToDenseWeights().Select(v => (double)v).ToArray(), layer.Bias.Select(v => (double)v).ToArray(), layer.Inputs, layer.Outputs, layer.Activation));
        }
    }

    public int LayerCount => layers.Count;

    public double[] Weights(int layer) => layers[layer].W;

    public double[] Biases(int layer) => layers[layer].B;

    /// <summary>Outputs of every layer (index 0 is the input).</summary>
    public List<double[]> Forward(double[] input, int batch)
    {
        var outputs = new List<double[]> { input };
        foreach (var (w, b, inputs, outs, act) in layers)
        {
            var x = outputs[^1];
            var y = new double[outs * batch];
            for (int o = 0; o < outs; o++)
            {
                for (int n = 0; n < batch; n++)
                {
                    double sum = b[o];
                    for (int i = 0; i < inputs; i++)
                    {
                        sum += w[o * inputs + i] * x[i * batch + n];
                    }

                    y[o * batch + n] = Apply(act, sum);
                }
            }

            outputs.Add(y);
        }

        return outputs;
    }

    /// <summary>Analytic gradients of Σ r ⊙ output: per layer (dW [out,in], db [out]).</summary>
    public List<(double[] DW, double[] DB)> Backward(List<double[]> outputs, double[] r, int batch)
    {
        var grads = new (double[] DW, double[] DB)[layers.Count];
        double[] dy = (double[])r.Clone();
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var (w, _, inputs, outs, act) = layers[l];
            double[] y = outputs[l + 1];
            double[] x = outputs[l];
            var dz = new double[dy.Length];
            for (int j = 0; j < dz.Length; j++)
            {
                dz[j] = dy[j] * Derivative(act, y[j]);
            }

            var dw = new double[outs * inputs];
            var db = new double[outs];
            var dx = new double[inputs * batch];
            for (int o = 0; o < outs; o++)
            {
                for (int n = 0; n < batch; n++)
                {
                    double g = dz[o * batch + n];
                    db[o] += g;
                    for (int i = 0; i < inputs; i++)
                    {
                        dw[o * inputs + i] += g * x[i * batch + n];
                        dx[i * batch + n] += w[o * inputs + i] * g;
                    }
                }
            }

            grads[l] = (dw, db);
            dy = dx;
        }

        return grads.ToList();
    }

    /// <summary>Σ r ⊙ output, the scalar the finite differences perturb.</summary>
    public double Objective(double[] input, double[] r, int batch)
    {
        var output = Forward(input, batch)[^1];
        return output.Select((v, j) => v * r[j]).Sum();
    }

    private static double Apply(Activation act, double z) => act switch
    {
        Activation.Relu => Math.Max(0, z),
        Activation.Tanh => Math.Tanh(z),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        _ => z,
    };

    private static double Derivative(Activation act, double y) => act switch
    {
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.Tanh => 1 - y * y,
        Activation.Sigmoid => y * (1 - y),
        _ => 1,
    };
}
