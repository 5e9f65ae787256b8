// One optimizer step (issue 4 §5): Adam on a 19-parameter struct model through the tangent's flat view, and on
// 10,000 parameters in a double[] and a float[], against the same update written as a plain loop. The Allocated
// column must read 0 (a steady-state step allocates nothing); the Ratio column reads "time ÷ hand-written loop".
using System;
using System.Numerics;
using BenchmarkDotNet.Attributes;
using Nabla.Workloads;

namespace Nabla.Benchmarks;

[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    public const int Length = 10_000;

    private TinyMlp _model;
    private TinyMlp.Tangent _modelGradient;
    private Adam<TinyMlp, TinyMlp.Tangent> _modelAdam = null!;

    private double[] _x = null!, _g = null!, _m = null!, _v = null!;
    private float[] _xf = null!, _gf = null!;
    private Adam _adam = null!, _adamF = null!;
    private Sgd _sgd = null!;
    private long _t;

    [GlobalSetup]
    public void Setup()
    {
        _model = new TinyMlp { W0 = new Vector4(0.1f), W1 = new Vector4(-0.2f), W2 = new Vector4(0.3f), C = 1 };
        _modelGradient = new TinyMlp.Tangent
        {
            W0 = new Vector4(0.1f, -0.2f, 0.3f, -0.4f), W1 = new Vector4(0.5f), W2 = new Vector4(-0.25f),
            B = new Vector3(0.01f, 0.02f, 0.03f), V = new Vector3(-1, 1, 0.5f), C = 0.125f,
        };
        _modelAdam = new Adam<TinyMlp, TinyMlp.Tangent>(learningRate: 1e-3);

        _x = new double[Length];
        _g = new double[Length];
        _m = new double[Length];
        _v = new double[Length];
        _xf = new float[Length];
        _gf = new float[Length];
        for (int i = 0; i < Length; i++)
            _gf[i] = (float)(_g[i] = Math.Sin(i));
        _adam = new Adam(learningRate: 1e-3);
        _adamF = new Adam(learningRate: 1e-3);
        _sgd = new Sgd(learningRate: 1e-3);
        _t = 0;
    }

    [Benchmark(Description = "Adam, TinyMlp struct (19 floats)")]
    public float AdamStructModel()
    {
        _modelAdam.Update(ref _model, _modelGradient);
        return _model.C;
    }

    [Benchmark(Baseline = true, Description = "hand-written Adam loop, double[10000]")]
    public double HandWrittenAdam() => HandWrittenAdamStep(_x, _g, _m, _v, ref _t, 1e-3);

    [Benchmark(Description = "Adam, double[10000]")]
    public double AdamArray()
    {
        _adam.Update(_x, _g);
        return _x[1];
    }

    [Benchmark(Description = "Adam, float[10000]")]
    public float AdamFloatArray()
    {
        _adamF.Update(_xf, _gf);
        return _xf[1];
    }

    [Benchmark(Description = "SGD, double[10000]")]
    public double SgdArray()
    {
        _sgd.Update(_x, _g);
        return _x[1];
    }

    /// <summary>Kingma and Ba's Algorithm 1 (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), as one would write it by hand.</summary>
    public static double HandWrittenAdamStep(double[] x, double[] g, double[] m, double[] v, ref long t, double rate)
    {
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        t++;
        double c1 = 1 - Math.Pow(b1, t), c2 = 1 - Math.Pow(b2, t);
        for (int i = 0; i < x.Length; i++)
        {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * (g[i] * g[i]);
            x[i] -= rate * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + eps);
        }
        return x[1];
    }
}
