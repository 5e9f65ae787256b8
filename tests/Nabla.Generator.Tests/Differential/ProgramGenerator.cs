// A seeded random generator of small [Differentiable] C# methods (Csmith-style differential testing): each method
// is written twice, once as the user would write it and once as an instrumented twin that records the path taken
// (branch outcomes, kinks of Abs/Max/Min) so that the checker can tell whether a finite difference crossed a branch.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Nabla.Generator.Tests.Differential;

/// <summary>
/// One generated method: <c>static double F_k(double x, double y, double[] a, int n)</c> (or the <c>float</c>
/// variant), or with scalar inputs only, <c>F_k(double x, double y, int n)</c> (whose <c>F_ValueWithGradient</c> is
/// vector forward mode); its instrumented twin, and the earlier methods it calls.
/// </summary>
internal sealed class GeneratedMethod
{
    public required string Name { get; init; }
    /// <summary>The index of this program in the run (its seed is derived from the run's seed and this index).</summary>
    public required int Index { get; init; }
    public required bool IsFloat { get; init; }
    /// <summary>No array parameter (and no arrays): <c>F_k(x, y, n)</c>.</summary>
    public required bool ScalarOnly { get; init; }
    /// <summary>The [Differentiable] method as written into the partial class <c>P</c>.</summary>
    public required string Source { get; init; }
    /// <summary>The same method in class <c>Tw</c>: the same operations, with every branch condition and kink recorded by <c>Tr</c>.</summary>
    public required string Twin { get; init; }
    /// <summary>A bound on the statements one call executes (loops counted at their largest trip count, callees included).</summary>
    public required long Cost { get; init; }
    /// <summary>0 for a method that calls none, else 1 + the largest call depth of its callees.</summary>
    public required int CallDepth { get; init; }
    /// <summary>Names of the generated methods this one calls directly.</summary>
    public required IReadOnlyList<string> Callees { get; init; }
}

/// <summary>
/// The grammar. Expressions: + − × ÷ (denominators kept away from 0), unary minus, Sin, Cos, Tanh, Atan, Exp of
/// bounded arguments, Log and Sqrt of arguments ≥ 1/4, Pow of bases in [0.5, 2.5], Abs, Max, Min, ?:, array reads,
/// loop counters, calls of earlier generated methods, lambdas passed to a method taking a function, virtual calls. Statements: locals, reassignment of locals and parameters,
/// compound assignment, array element writes and compound writes, local arrays and aliases of <c>a</c>,
/// if/else, for and while loops with trip counts from <c>n</c> or <c>a.Length</c>, guarded break, continue and
/// early return, and locals of a differentiable struct (DPair/FPair: initializers, field writes, `with`, copies, field reads).
/// </summary>
internal sealed class ProgramGenerator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A fragment of code in its two renderings: the original (<c>O</c>) and the instrumented twin (<c>T</c>).</summary>
    private readonly record struct Code(string O, string T)
    {
        public static Code Same(string s) => new(s, s);
        public static Code operator +(Code a, Code b) => new(a.O + b.O, a.T + b.T);
        public static implicit operator Code(string s) => Same(s);
    }

    private readonly Random _rng;
    private readonly bool _float;
    private readonly bool _scalarOnly;
    private readonly IReadOnlyList<GeneratedMethod> _earlier;
    private readonly List<string> _callees = new();
    private int _fresh;

    // Scope: real variables (locals and the parameters x, y), int loop counters, arrays (a, local arrays, aliases).
    private readonly List<string> _reals = new() { "x", "y" };
    private readonly List<string> _ints = new();
    private readonly List<string> _arrays = new() { "a" };
    // Locals of the differentiable struct DPair (FPair in float methods): fields A and B.
    private readonly List<string> _structs = new();
    private int _loopDepth;
    private int _statements;
    private long _cost;
    /// <summary>Above 0 while writing an expression that appears twice in the text (e·e): no calls there.</summary>
    private int _noCalls;
    /// <summary>Above 0 while writing a lambda's body (no lambda inside a lambda).</summary>
    private int _inLambda;

    /// <summary>An expression written twice (as in e·e): without calls, which would double the code inlined.</summary>
    private Code Twice(int depth)
    {
        _noCalls++;
        Code e = Expr(depth);
        _noCalls--;
        return e;
    }

    /// <summary>Largest trip count of a generated loop (n ≤ 4, a.Length ≤ 4, bounds up to n + 1).</summary>
    private const int MaxTrips = 5;
    /// <summary>Largest cost of a call inside the method, so that calls in loops of callees with loops stay cheap.</summary>
    private const long CallBudget = 2_000;
    private const int MaxCalleeDepth = 0;
    private long Multiplier => (long)Math.Pow(MaxTrips, _loopDepth);

    private ProgramGenerator(Random rng, bool isFloat, bool scalarOnly, IReadOnlyList<GeneratedMethod> earlier)
    {
        _rng = rng;
        _float = isFloat;
        _scalarOnly = scalarOnly;
        _earlier = earlier.Where(m => m.IsFloat == isFloat && m.ScalarOnly == scalarOnly).ToList();
        if (scalarOnly) _arrays.Clear();
    }

    /// <summary>The seed of program <paramref name="index"/> of a run with seed <paramref name="runSeed"/>.</summary>
    public static int ProgramSeed(int runSeed, int index) => unchecked(runSeed * 1_000_003 + index * 7919 + 17);

    /// <summary>Generates method <paramref name="name"/>; it may call the methods of <paramref name="earlier"/> of its precision.</summary>
    public static GeneratedMethod Generate(string name, int index, int seed, IReadOnlyList<GeneratedMethod> earlier)
    {
        var rng = new Random(seed);
        bool isFloat = rng.NextDouble() < 0.15;
        // A third of the methods call earlier ones: an inlined callee appears in every generated form, and calls
        // everywhere doubled the generated C# (and the time to compile it).
        bool calls = rng.NextDouble() < 0.35;
        // A quarter have scalar inputs only: their F_ValueWithGradient carries a tangent lane per input.
        bool scalarOnly = rng.NextDouble() < 0.25;
        var g = new ProgramGenerator(rng, isFloat, scalarOnly, calls ? earlier : []);
        Code body = g.Body();
        string real = isFloat ? "float" : "double";
        string signature = scalarOnly ? $"{real} {name}({real} x, {real} y, int n)" : $"{real} {name}({real} x, {real} y, {real}[] a, int n)";
        return new GeneratedMethod
        {
            Name = name,
            Index = index,
            IsFloat = isFloat,
            ScalarOnly = scalarOnly,
            Source = $"    [Differentiable]\n    public static {signature}\n    {{\n{body.O}    }}\n",
            Twin = $"    public static {signature}\n    {{\n{body.T}    }}\n",
            Callees = g._callees.Distinct().ToList(),
            Cost = g._cost + g._statements,
            CallDepth = g._callees.Count == 0 ? 0 : 1 + g._callees.Max(c => earlier.First(m => m.Name == c).CallDepth),
        };
    }

    private string Real => _float ? "float" : "double";
    private string M => _float ? "MathF" : "Math";
    private bool P(double p) => _rng.NextDouble() < p;
    private T Pick<T>(IReadOnlyList<T> xs) => xs[_rng.Next(xs.Count)];
    private string Fresh(string prefix) => prefix + (_fresh++).ToString(Inv);

    private string Lit(double v)
    {
        string s = v.ToString("R", Inv);
        if (!s.Contains('.') && !s.Contains('E')) s += ".0";
        return _float ? s + "f" : s;
    }

    private string Indent(int depth) => new(' ', 8 + 4 * depth);

    // ---- statements -------------------------------------------------------------------------------------------

    private Code Body()
    {
        var sb = new Code("", "");
        int count = 2 + _rng.Next(4);
        for (int i = 0; i < count; i++)
            sb += Statement(0);
        sb += Code.Same(Indent(0)) + "return " + Expr(3) + ";\n";
        return sb;
    }

    private Code Block(int depth, int max)
    {
        var sb = new Code("", "");
        int count = 1 + _rng.Next(max);
        int reals = _reals.Count, ints = _ints.Count, arrays = _arrays.Count, structs = _structs.Count;
        for (int i = 0; i < count; i++)
            sb += Statement(depth);
        // Locals declared in the block go out of scope.
        _structs.RemoveRange(structs, _structs.Count - structs);
        _reals.RemoveRange(reals, _reals.Count - reals);
        _ints.RemoveRange(ints, _ints.Count - ints);
        _arrays.RemoveRange(arrays, _arrays.Count - arrays);
        return sb;
    }

    private Code Statement(int depth)
    {
        _statements++;
        _cost += Multiplier;
        string ind = Indent(depth);
        bool nestable = depth < 3 && _statements < 16;
        double r = _rng.NextDouble();
        if (r < 0.18)
        {
            string v = Fresh("v");
            Code e = Expr(3);
            _reals.Add(v);
            return Code.Same($"{ind}{Real} {v} = ") + e + ";\n";
        }
        if (r < 0.30)
            return Code.Same($"{ind}{Pick(_reals)} = ") + Expr(3) + ";\n";
        if (r < 0.42)
        {
            string v = Pick(_reals);
            return _rng.Next(4) switch
            {
                0 => Code.Same($"{ind}{v} += ") + Expr(2) + ";\n",
                1 => Code.Same($"{ind}{v} -= ") + Expr(2) + ";\n",
                2 => Code.Same($"{ind}{v} *= ") + Bounded(2) + ";\n",
                _ => Code.Same($"{ind}{v} /= ") + Denominator(2) + ";\n",
            } + CheckFinite(ind, v);
        }
        if (r < 0.54 && _arrays.Count > 0)
        {
            string arr = Pick(_arrays);
            Code idx = Index(arr);
            int op = _rng.Next(4);
            // Calls on the right of a compound element assignment (a[i] += … F(…) …): C# reads a[i] before the call,
            // which may write it (bug 2, DifferentialRegressionTests.CompoundAssignmentReadsTheElementBeforeTheRightHandSide).
            // Besides the calls Expr writes anyway, a third of the compound writes in calling methods put one there.
            bool call = op != 0 && _earlier.Count > 0 && P(0.35);
            return op switch
            {
                0 => Code.Same($"{ind}{arr}[") + idx + "] = " + Expr(2) + ";\n",
                1 => Code.Same($"{ind}{arr}[") + idx + "] += " + (call ? WithCall(2) : Expr(2)) + ";\n",
                2 => Code.Same($"{ind}{arr}[") + idx + "] *= " + (call ? Code.Same($"{M}.Tanh(") + WithCall(2) + ")" : Bounded(2)) + ";\n",
                _ => Code.Same($"{ind}{arr}[") + idx + "] -= " + (call ? WithCall(2) : Expr(2)) + ";\n",
            } + CheckFinite(ind, $"{arr}[{idx.T}]");
        }
        if (r < 0.58 && !_scalarOnly)
        {
            string b = Fresh("b");
            _arrays.Add(b);
            return P(0.3)
                ? Code.Same($"{ind}{Real}[] {b} = a;\n")  // an alias: one array, one shadow
                : Code.Same($"{ind}{Real}[] {b} = new {Real}[{Pick(new[] { "n + 1", "a.Length", "2", "3" })}];\n");
        }
        if (r < 0.70 && nestable)
        {
            var c = Code.Same($"{ind}if (") + Cond() + ")\n" + Code.Same($"{ind}{{\n") + Block(depth + 1, 2) + Code.Same($"{ind}}}\n");
            if (P(0.5))
                c += Code.Same($"{ind}else\n{ind}{{\n") + Block(depth + 1, 2) + Code.Same($"{ind}}}\n");
            return c;
        }
        if (r < 0.84 && nestable && _loopDepth < 2)
            return Loop(depth);
        if (r < 0.90 && _loopDepth > 0)
        {
            string jump = P(0.5) ? "break" : "continue";
            return Code.Same($"{ind}if (") + Cond() + $") {jump};\n";
        }
        if (r < 0.93 && depth > 0)
            return Code.Same($"{ind}if (") + Cond() + ") return " + Expr(2) + ";\n";
        if (r < 0.96 || (_structs.Count > 0 && r < 0.985))
            return StructStatement(ind);
        // A call for its effect on the array, or another assignment.
        if (_earlier.Count > 0 && P(0.5))
        {
            string v = Pick(_reals);
            return Code.Same($"{ind}{v} += ") + Call(2) + ";\n" + CheckFinite(ind, v);
        }
        return Code.Same($"{ind}{Pick(_reals)} = ") + Expr(3) + ";\n";
    }

    private Code Loop(int depth)
    {
        string ind = Indent(depth);
        string i = Fresh("i");
        string bound = Pick(_scalarOnly ? new[] { "n", "n + 1", "2" } : new[] { "n", "a.Length", "n + 1", "2" });
        Code head;
        Code tail = Code.Same("");
        switch (_rng.Next(3))
        {
            case 0:
                head = Code.Same($"{ind}for (int {i} = 0; ") + Tr($"{i} < {bound}") + $"; {i}++)\n{ind}{{\n";
                break;
            case 1:
                head = Code.Same($"{ind}for (int {i} = {bound} - 1; ") + Tr($"{i} >= 0") + $"; {i}--)\n{ind}{{\n";
                break;
            default:
                // The counter steps first, so that continue cannot skip it.
                head = Code.Same($"{ind}int {i} = 0;\n{ind}while (") + Tr($"{i} < {bound}") + $")\n{ind}{{\n{ind}    {i}++;\n";
                break;
        }
        _loopDepth++;
        _ints.Add(i);
        Code body = Block(depth + 1, 3);
        _ints.Remove(i);
        _loopDepth--;
        return head + body + Code.Same($"{ind}}}\n") + tail;
    }

    // ---- expressions ------------------------------------------------------------------------------------------

    /// <summary>An expression that contains a call of an earlier method: alone, in an operand, or in a branch of ?:.</summary>
    private Code WithCall(int depth) => _rng.Next(4) switch
    {
        0 => Call(depth),
        1 => Code.Same("(") + Expr(depth - 1) + Pick(new[] { " + ", " - ", " * " }) + Call(depth - 1) + ")",
        2 => Code.Same("(") + Cond() + " ? " + Call(depth - 1) + " : " + Expr(depth - 1) + ")",
        _ => Code.Same("(") + Cond() + " ? " + Expr(depth - 1) + " : " + Call(depth - 1) + ")",
    };

    private Code Tr(string condition) => new(condition, $"Tr.B({condition})");

    // Overflow: a value of the original that is infinite or NaN makes IEEE derivatives meaningless (reverse mode multiplies
    // a zero adjoint by an infinite partial and gets NaN where forward mode drops the infinite tangent), and finite
    // differences with it. The twin checks every arithmetic result and every compound update; the checker skips such points.
    private static Code Finite(Code e) => new(e.O, $"Tr.V({e.T})");

    private static Code CheckFinite(string ind, string lvalue) => new("", $"{ind}Tr.V({lvalue});\n");

    private Code Cond()
    {
        Code c = _rng.Next(4) switch
        {
            0 => Compare(Expr(2), Lit(Math.Round(_rng.NextDouble() * 2 - 1, 2))),
            1 => Compare(Expr(2), Expr(2)),
            2 => Compare(Code.Same(Pick(_reals)), Expr(1)),
            _ => Compare(Leaf(), Leaf()),
        };
        // Comparisons of two constants, which C# folds (bug 1, FoundByDifferentialTests.ConstantConditionsLowerToTheBranchTaken):
        // they also come from the operands above when both are literals; here alone or joined to another comparison.
        if (P(0.06))
            c = ConstantCompare();
        if (P(0.12))
            c = Code.Same("(") + c + (P(0.5) ? " && " : " || ") + (P(0.3) ? ConstantCompare() : Compare(Leaf(), Leaf())) + ")";
        return c;
    }

    private Code ConstantCompare()
    {
        double[] constants = { 0.5, 1.5, 2.0, -0.75, 3.0, 0.25, -1.0 };
        return Compare(Code.Same(Lit(Pick(constants))), Code.Same(Lit(Pick(constants))));
    }

    private Code Compare(Code l, Code r)
    {
        string op = Pick(new[] { "<", ">", "<=", ">=" });
        var both = l + $" {op} " + r;
        return new Code(both.O, $"Tr.B({both.T})");
    }

    private Code Index(string arr)
    {
        var options = new List<string> { "0", $"{arr}.Length - 1", $"n % {arr}.Length" };
        foreach (string i in _ints)
        {
            options.Add($"{i} % {arr}.Length");
            options.Add($"({i} + 1) % {arr}.Length");
        }
        return Code.Same(Pick(options));
    }

    private string Pair => _float ? "FPair" : "DPair";

    /// <summary>A struct local declared with an initializer, or one of its fields written (directly, compound, with <c>with</c>).</summary>
    private Code StructStatement(string ind)
    {
        if (_structs.Count == 0 || (_structs.Count < 3 && P(0.35)))
        {
            string s = Fresh("s");
            var declaration = Code.Same($"{ind}{Pair} {s} = new {Pair} {{ A = ") + Expr(2) + ", B = " + Expr(2) + " };\n";
            _structs.Add(s);
            return declaration;
        }
        string t = Pick(_structs);
        return _rng.Next(5) switch
        {
            0 => Code.Same($"{ind}{t}.A += ") + Expr(2) + ";\n" + CheckFinite(ind, t + ".A"),
            1 => Code.Same($"{ind}{t}.B = ") + Expr(2) + ";\n",
            2 => Code.Same($"{ind}{t} = {t} with {{ B = ") + Expr(2) + " };\n",
            3 => Code.Same($"{ind}{t}.A *= ") + Bounded(2) + ";\n" + CheckFinite(ind, t + ".A"),
            _ => _structs.Count > 1
                ? Code.Same($"{ind}{t} = {Pick(_structs)};\n")        // a copy: the two are independent afterwards
                : Code.Same($"{ind}{Pick(_reals)} = {t}.A * {t}.B;\n"),
        };
    }

    private Code Leaf()
    {
        double r = _rng.NextDouble();
        if (r < 0.45) return Code.Same(Pick(_reals));
        if (r < 0.65 && _arrays.Count > 0)
        {
            string arr = Pick(_arrays);
            return Code.Same($"{arr}[") + Index(arr) + "]";
        }
        if (r < 0.72 && _ints.Count > 0) return Code.Same(Pick(_ints));
        if (r < 0.80 && _structs.Count > 0) return Code.Same($"{Pick(_structs)}.{(P(0.5) ? "A" : "B")}");
        return Code.Same(Lit(Pick(new[] { 0.5, 1.5, 2.0, -0.75, 3.0, 0.25, -1.0 })));
    }

    /// <summary>An expression whose value stays within a few units whatever its operands.</summary>
    private Code Bounded(int depth) => _rng.Next(4) switch
    {
        0 => Code.Same($"{M}.Sin(") + Expr(depth - 1) + ")",
        1 => Code.Same($"{M}.Tanh(") + Expr(depth - 1) + ")",
        2 => Code.Same($"{M}.Cos(") + Expr(depth - 1) + ")",
        _ => Code.Same($"{M}.Atan(") + Expr(depth - 1) + ")",
    };

    /// <summary>A denominator at least 1/4 away from zero.</summary>
    private Code Denominator(int depth)
    {
        Code e = Twice(depth - 1);
        return _rng.Next(4) switch
        {
            0 => Code.Same("(") + Finite(Code.Same(Lit(1.5) + " + (") + e + ") * (" + e + ")") + ")",
            1 => Code.Same("(") + Lit(2.0) + $" + {M}.Sin(" + e + "))",
            2 => Code.Same("(") + Lit(1.0) + " + " + Abs(e) + ")",
            _ => Code.Same(Lit(Pick(new[] { 2.0, -4.0, 0.5, 3.0 }))),
        };
    }

    private Code Abs(Code e) => new($"{M}.Abs({e.O})", $"Tr.Abs({e.T})");

    private Code Call(int depth)
    {
        // Callees that call nothing (small callees are inlined into every generated form, and chains of inlined calls
        // made ~130 KB of generated C# per method, most of the run's time) and cheap enough for the loops around the call.
        var affordable = _earlier.Where(m => m.CallDepth <= MaxCalleeDepth && m.Cost * Multiplier <= CallBudget).ToList();
        if (affordable.Count == 0)
            return Leaf();
        var callee = Pick(affordable);
        _callees.Add(callee.Name);
        _cost += callee.Cost * Multiplier;
        var ns = new List<string> { "n", "1", "2" };
        ns.AddRange(_ints);
        string arr = _scalarOnly ? "" : Pick(_arrays) + ", ";
        Code x = Expr(depth - 1), y = Expr(depth - 1);
        string n = Pick(ns);
        return new Code($"{callee.Name}({x.O}, {y.O}, {arr}{n})", $"{callee.Name}({x.T}, {y.T}, {arr}{n})");
    }

    private Code Expr(int depth)
    {
        if (depth <= 0 || P(0.25))
            return Leaf();
        double r = _rng.NextDouble();
        if (r < 0.30)
        {
            string op = Pick(new[] { " + ", " - ", " * ", " + ", " * " });
            return Finite(Code.Same("(") + Expr(depth - 1) + op + Expr(depth - 1) + ")");
        }
        if (r < 0.36)
            return Finite(Code.Same("(") + Expr(depth - 1) + " / " + Denominator(depth) + ")");
        if (r < 0.40)
            return Code.Same("(-(") + Expr(depth - 1) + "))";
        if (r < 0.55)
            return Bounded(depth);
        if (r < 0.78)
        {
            int kind = _rng.Next(9);
            Code e = kind is 1 or 2 or 4 ? Twice(depth - 1) : Expr(depth - 1);
            switch (kind)
            {
                case 0: return Code.Same($"{M}.Exp({M}.Sin(") + e + "))";
                case 1: return Code.Same($"{M}.Exp(") + Finite(Code.Same("-(") + e + ") * (" + e + ")") + ")";
                case 2: return Code.Same($"{M}.Log(") + Finite(Code.Same(Lit(1.0) + " + (") + e + ") * (" + e + ")") + ")";
                case 3: return Code.Same($"{M}.Log(") + Lit(2.0) + $" + {M}.Cos(" + e + "))";
                case 4: return Code.Same($"{M}.Sqrt(") + Finite(Code.Same("(") + e + ") * (" + e + ") + " + Lit(0.25)) + ")";
                case 5: return Code.Same($"{M}.Pow(") + Lit(1.5) + $" + {M}.Sin(" + e + "), " + Pick(new Code[] { Lit(2.0), Lit(0.5), Lit(3.0), Code.Same($"{M}.Cos(") + Expr(depth - 2) + ")" }) + ")";
                case 6: return Abs(e);
                case 7:
                {
                    Code f = Expr(depth - 1);
                    return new Code($"{M}.Max({e.O}, {f.O})", $"Tr.Max({e.T}, {f.T})");
                }
                default:
                {
                    Code f = Expr(depth - 1);
                    return new Code($"{M}.Min({e.O}, {f.O})", $"Tr.Min({e.T}, {f.T})");
                }
            }
        }
        if (r < 0.88)
            return Code.Same("(") + Cond() + " ? " + Expr(depth - 1) + " : " + Expr(depth - 1) + ")";
        if (r < 0.93 && depth >= 2 && _inLambda == 0 && _noCalls == 0)
        {
            // A lambda over the variables in scope (captured, read only), passed to a [Differentiable] method taking a
            // function, which calls it twice: inlined, with derivatives through what the lambda captures.
            string t = Fresh("t");
            _reals.Add(t);
            _inLambda++;
            Code body = Expr(depth - 1);
            _inLambda--;
            _reals.Remove(t);
            return Code.Same($"HigherOrder.Apply({t} => ") + body + ", " + Expr(depth - 1) + ")";
        }
        if (r < 0.96 && _noCalls == 0)
            // A virtual call on an object chosen at run time: its derivative is the override's that runs.
            return Code.Same($"Kinds.All[{Pick(new[] { "0", "1", "2", "n % 3" })}].F(") + Expr(depth - 1) + ")";
        if (_earlier.Count > 0 && _statements < 40 && _noCalls == 0)
            return Call(depth);
        return Leaf();
    }

    /// <summary>A float method's twin in double: the same operations on doubles (float literals, MathF and FPair replaced).</summary>
    public static string InDouble(string floatTwin) =>
        System.Text.RegularExpressions.Regex.Replace(
            floatTwin.Replace("float", "double").Replace("MathF.", "Math.").Replace("FPair", "DPair"),
            @"(\d)f\b", "$1");

    /// <summary>The recorder the twins call: a hash of the path (branch outcomes and the side of every kink).</summary>
    public const string RecorderSource = """
        [global::Nabla.Differentiable]
        public partial struct DPair { public double A; public double B; }

        [global::Nabla.Differentiable]
        public partial struct FPair { public float A; public float B; }

        public abstract partial class Kind
        {
            [global::Nabla.Differentiable] public abstract double F(double t);
            [global::Nabla.Differentiable] public abstract float F(float t);
        }

        public partial class KindA : Kind
        {
            [global::Nabla.Differentiable] public override double F(double t) => System.Math.Sin(t) * 1.5;
            [global::Nabla.Differentiable] public override float F(float t) => System.MathF.Sin(t) * 1.5f;
        }

        public partial class KindB : Kind
        {
            [global::Nabla.Differentiable] public override double F(double t) => t * t * 0.5;
            [global::Nabla.Differentiable] public override float F(float t) => t * t * 0.5f;
        }

        public partial class KindC : KindB
        {
            [global::Nabla.Differentiable] public override double F(double t) => System.Math.Atan(t) + 0.25 * t;
            [global::Nabla.Differentiable] public override float F(float t) => System.MathF.Atan(t) + 0.25f * t;
        }

        public static class Kinds
        {
            public static readonly Kind[] All = { new KindA(), new KindB(), new KindC() };
        }

        public static partial class HigherOrder
        {
            [global::Nabla.Differentiable]
            public static double Apply([global::Nabla.Differentiable] System.Func<double, double> f, double t) => f(t) * 0.75 + f(0.5 * t);

            [global::Nabla.Differentiable]
            public static float Apply([global::Nabla.Differentiable] System.Func<float, float> f, float t) => f(t) * 0.75f + f(0.5f * t);
        }

        public static class Tr
        {
            [System.ThreadStatic] public static long Path;
            /// <summary>Set when a checked value of the twin is infinite or NaN.</summary>
            [System.ThreadStatic] public static bool Overflow;
            public static T V<T>(T v)
            {
                if (v is double d ? !double.IsFinite(d) : v is float f && !float.IsFinite(f)) Overflow = true;
                return v;
            }
            private static void Add(int v) => Path = unchecked(Path * 1_000_003 + v);
            public static bool B(bool b) { Add(b ? 1 : 2); return b; }
            public static double Abs(double v) { Add(v > 0 ? 3 : v < 0 ? 4 : 5); return System.Math.Abs(v); }
            public static float Abs(float v) { Add(v > 0 ? 3 : v < 0 ? 4 : 5); return System.MathF.Abs(v); }
            public static double Max(double p, double q) { Add(p > q ? 6 : p < q ? 7 : 8); return System.Math.Max(p, q); }
            public static float Max(float p, float q) { Add(p > q ? 6 : p < q ? 7 : 8); return System.MathF.Max(p, q); }
            public static double Min(double p, double q) { Add(p > q ? 6 : p < q ? 7 : 8); return System.Math.Min(p, q); }
            public static float Min(float p, float q) { Add(p > q ? 6 : p < q ? 7 : 8); return System.MathF.Min(p, q); }
        }
        """;
}
