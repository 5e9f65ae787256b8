// Runs generated programs through Nabla in batches (one Roslyn compilation per batch, emitted to memory and loaded in a
// collectible context) and checks each method's forward mode, reverse mode (three forms) and central finite
// differences of the original method against each other, counting everything it did and skipped.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Nabla.Generator.Tests.Differential;

/// <summary>What a run did: counts, timings and the text of every failure.</summary>
internal sealed class FuzzReport
{
    public int Seed;
    public int Programs;
    public int FloatPrograms;
    /// <summary>Programs with scalar inputs only (F_ValueWithGradient in vector forward mode when no callee prevents it).</summary>
    public int ScalarOnlyPrograms;
    /// <summary>Programs whose F_ValueWithGradient is vector forward mode (a tangent lane per input).</summary>
    public int VectorForwardPrograms;
    /// <summary>Programs whose own text has a comparison of two literals (a condition C# folds to a constant).</summary>
    public int WithConstantComparison;
    public int WithStruct;
    /// <summary>Programs passing a lambda to a method taking a function, and programs making a virtual call.</summary>
    public int WithLambda, WithVirtualCall;
    /// <summary>Programs whose own text has a compound element assignment with a call on its right (a[i] op= … F(…) …).</summary>
    public int WithCallInCompoundElementAssignment;
    /// <summary>Characters of generated C# (all compilations, retries included).</summary>
    public long GeneratedChars;
    public long LargestGeneratedFile;
    public int MethodsChecked;
    public int PointsChecked;
    /// <summary>Points skipped because the value was not finite or above 1e8 in magnitude.</summary>
    public int PointsOutOfRange;
    /// <summary>Points skipped because a value computed on the way overflowed (infinite or NaN), though the result is finite.</summary>
    public int PointsOverflowed;
    /// <summary>Float finite differences that disagreed beyond float rounding, where the same program in double agreed with the float derivative.</summary>
    public int FloatFdSettledInDouble;
    public long ModeComparisons;
    public long FdComparisons;
    /// <summary>Finite differences not compared because x ± h (or ± 2h, ± h/2) took another path than x.</summary>
    public long FdSkippedBranch;
    /// <summary>Finite differences not compared because steps h/2 and 2h disagreed by more than the tolerance.</summary>
    public long FdSkippedIllConditioned;
    public SortedDictionary<string, int> Rejected = new(StringComparer.Ordinal);
    public SortedDictionary<string, int> Warnings = new(StringComparer.Ordinal);
    public int GeneratorExceptions;
    public int GeneratedCodeErrors;
    public int Disagreements;
    /// <summary>Methods not checked because a method they call was rejected or failed.</summary>
    public int DroppedWithCallee;
    public List<string> Failures = new();
    /// <summary>The index of the program of each entry of <see cref="Failures"/> (-1 when a whole batch failed).</summary>
    public List<int> FailedPrograms = new();
    public Stopwatch Generate = new(), Compile = new(), Emit = new(), Check = new();
    /// <summary>Phase times summed over the batches (over threads too: with 2 threads they add up to about twice the wall time).</summary>
    public TimeSpan GenerateTime, CompileTime, EmitTime, CheckTime;
    public TimeSpan Total;
    public int Threads = 1;

    public void Add(FuzzReport r)
    {
        FloatPrograms += r.FloatPrograms; ScalarOnlyPrograms += r.ScalarOnlyPrograms; VectorForwardPrograms += r.VectorForwardPrograms; WithConstantComparison += r.WithConstantComparison; WithStruct += r.WithStruct; WithLambda += r.WithLambda; WithVirtualCall += r.WithVirtualCall; WithCallInCompoundElementAssignment += r.WithCallInCompoundElementAssignment;
        GeneratedChars += r.GeneratedChars; LargestGeneratedFile = Math.Max(LargestGeneratedFile, r.LargestGeneratedFile); MethodsChecked += r.MethodsChecked;
        PointsChecked += r.PointsChecked; PointsOutOfRange += r.PointsOutOfRange; PointsOverflowed += r.PointsOverflowed; FloatFdSettledInDouble += r.FloatFdSettledInDouble; ModeComparisons += r.ModeComparisons;
        FdComparisons += r.FdComparisons; FdSkippedBranch += r.FdSkippedBranch; FdSkippedIllConditioned += r.FdSkippedIllConditioned;
        foreach (var kv in r.Rejected) Rejected[kv.Key] = Rejected.GetValueOrDefault(kv.Key) + kv.Value;
        foreach (var kv in r.Warnings) Warnings[kv.Key] = Warnings.GetValueOrDefault(kv.Key) + kv.Value;
        GeneratorExceptions += r.GeneratorExceptions; GeneratedCodeErrors += r.GeneratedCodeErrors;
        Disagreements += r.Disagreements; DroppedWithCallee += r.DroppedWithCallee;
        Failures.AddRange(r.Failures);
        FailedPrograms.AddRange(r.FailedPrograms);
        GenerateTime += r.Generate.Elapsed; CompileTime += r.Compile.Elapsed; EmitTime += r.Emit.Elapsed; CheckTime += r.Check.Elapsed;
    }

    public string Summary()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(string.Create(inv, $"Differential run: seed {Seed}, {Programs} programs ({FloatPrograms} float, {ScalarOnlyPrograms} scalar-only, {VectorForwardPrograms} of them with F_ValueWithGradient in vector forward mode), {Total.TotalSeconds:F1} s on {Threads} thread(s) " +
            $"(summed over batches: generate {GenerateTime.TotalSeconds:F1} s, generator {CompileTime.TotalSeconds:F1} s, compile + emit + load {EmitTime.TotalSeconds:F1} s, check {CheckTime.TotalSeconds:F1} s)"));
        sb.AppendLine(string.Create(inv, $"  programs with a comparison of two constants: {WithConstantComparison}; with a call on the right of a compound element assignment: {WithCallInCompoundElementAssignment}; with a differentiable struct local: {WithStruct}; with a lambda: {WithLambda}; with a virtual call: {WithVirtualCall}"));
        sb.AppendLine(string.Create(inv, $"  generated C#: {GeneratedChars / 1e6:F1} MB (largest file {LargestGeneratedFile / 1e3:F0} KB); methods checked: {MethodsChecked}; points: {PointsChecked} (skipped: {PointsOutOfRange} out of range, {PointsOverflowed} with a value overflowing on the way)"));
        sb.AppendLine(string.Create(inv, $"  forward/reverse comparisons: {ModeComparisons}; finite-difference comparisons: {FdComparisons} " +
            $"(skipped: {FdSkippedBranch} crossing a branch, kink or overflow, {FdSkippedIllConditioned} ill-conditioned; float differences beyond float rounding settled by the program in double: {FloatFdSettledInDouble})"));
        sb.AppendLine($"  rejected with a diagnostic: {(Rejected.Count == 0 ? "none" : string.Join(", ", Rejected.Select(kv => $"{kv.Key} × {kv.Value}")))}");
        sb.AppendLine($"  warnings: {(Warnings.Count == 0 ? "none" : string.Join(", ", Warnings.Select(kv => $"{kv.Key} × {kv.Value}")))}");
        sb.AppendLine($"  dropped because a callee was rejected or failed: {DroppedWithCallee}");
        sb.AppendLine($"  generator exceptions: {GeneratorExceptions}; compile errors in generated code: {GeneratedCodeErrors}; disagreements: {Disagreements}");
        return sb.ToString();
    }
}

internal static class DifferentialRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The diagnostics docs/diagnostics.md documents as reasons to reject a method (NABLA0999 is a crash, not a reason).</summary>
    private static readonly HashSet<string> DocumentedRejections = new(StringComparer.Ordinal)
    {
        "NABLA0001", "NABLA0002", "NABLA0003", "NABLA0004", "NABLA0005", "NABLA0006", "NABLA0007", "NABLA0008",
        "NABLA0009", "NABLA0010", "NABLA0011", "NABLA0012", "NABLA0013", "NABLA0014", "NABLA0015",
    };

    /// <summary>
    /// Tolerances. double: central differences with h = 1e-6·max(1, |zᵢ|) have truncation error h²·f‴/6 ~ 1e-12·f‴
    /// and rounding error ~16 ulps of |f| / 2h, so 1e-6·max(1, |FD|) plus that rounding term is an honest bound (the
    /// same as tests/Nabla.Tests/Check.cs). Forward vs reverse sum the same products in another order: 1e-10 relative
    /// to the sum of the magnitudes of the terms, 1e-13 absolute. float: h = 1e-3·max(1, |zᵢ|) (rounded to float, divided
    /// by the step actually taken), 1e-3 relative plus rounding; forward vs reverse 1e-5 relative, 1e-6 absolute.
    /// </summary>
    private sealed record Tolerances(double FdStep, double FdRel, double Ulps, double Epsilon, double ModesRel, double ModesAbs);
    private static readonly Tolerances DoubleTol = new(1e-6, 1e-6, 16, 2.220446049250313e-16, 1e-10, 1e-13);
    private static readonly Tolerances SingleTol = new(1e-3, 1e-3, 16, 1.1920929e-7, 1e-5, 1e-6);

    private const int PointsPerMethod = 2;

    // What the grammar writes, as counted in the summary: a literal compared with a literal, and a line `arr[…] op= …`
    // that calls a generated method (F followed by digits and a parenthesis).
    private static readonly Regex ConstantComparison = new(@"(?<![\w.])-?\d+\.\d+(E-?\d+)?f? (<|>|<=|>=) -?\d+\.\d+(E-?\d+)?f?(?![\w.])", RegexOptions.Compiled);
    private static readonly Regex CallInCompoundElementAssignment = new(@"^\s*\w+\[[^\n]*\] [-+*/]= [^\n]*\bF\d+\(", RegexOptions.Compiled | RegexOptions.Multiline);

    /// <summary>
    /// Runs programs [0, <paramref name="programs"/>) of the run <paramref name="seed"/> in batches of
    /// <paramref name="batchSize"/>, on <paramref name="threads"/> threads (each batch is independent: the result
    /// does not depend on the number of threads).
    /// </summary>
    public static FuzzReport Run(int seed, int programs, int batchSize, int threads, Action<string>? log = null)
    {
        var total = Stopwatch.StartNew();
        int batches = (programs + batchSize - 1) / batchSize;
        var reports = new FuzzReport[batches];
        int done = 0;
        System.Threading.Tasks.Parallel.For(0, batches, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = threads }, b =>
        {
            var r = new FuzzReport { Seed = seed };
            int start = b * batchSize;
            RunBatch(seed, start, Math.Min(batchSize, programs - start), r);
            reports[b] = r;
            int now = System.Threading.Interlocked.Add(ref done, Math.Min(batchSize, programs - start));
            lock (reports)
            {
                log?.Invoke(string.Create(Inv, $"  {now}/{programs} programs, {total.Elapsed.TotalSeconds:F0} s; batch {start}..{start + batchSize - 1}: " +
                    $"{r.MethodsChecked} checked, {r.Failures.Count} failures"));
                foreach (var f in r.Failures) log?.Invoke(f);
            }
        });
        var report = new FuzzReport { Seed = seed, Programs = programs, Threads = threads };
        foreach (var r in reports)
            report.Add(r);
        report.Total = total.Elapsed;
        return report;
    }

    /// <summary>Generates programs [<paramref name="start"/>, start + count) of the run, compiles and checks them.</summary>
    private static void RunBatch(int seed, int start, int count, FuzzReport report)
    {
        report.Generate.Start();
        var methods = new List<GeneratedMethod>();
        for (int k = start; k < start + count; k++)
        {
            var m = ProgramGenerator.Generate($"F{k}", k, ProgramGenerator.ProgramSeed(seed, k), methods);
            methods.Add(m);
            if (m.IsFloat) report.FloatPrograms++;
            if (m.ScalarOnly) report.ScalarOnlyPrograms++;
            if (ConstantComparison.IsMatch(m.Source)) report.WithConstantComparison++;
            if (m.Source.Contains("Pair ", StringComparison.Ordinal)) report.WithStruct++;
            if (m.Source.Contains("HigherOrder.Apply(", StringComparison.Ordinal)) report.WithLambda++;
            if (m.Source.Contains("Kinds.All[", StringComparison.Ordinal)) report.WithVirtualCall++;
            if (CallInCompoundElementAssignment.IsMatch(m.Source)) report.WithCallInCompoundElementAssignment++;
        }
        report.Generate.Stop();
        var byName = methods.ToDictionary(m => m.Name, StringComparer.Ordinal);

        // Compile; drop what Nabla rejects or fails on (and what calls it), and compile again until clean.
        var live = methods.ToList();
        MemoryStream? output = null;
        for (int attempt = 0; attempt < 10 && output is null; attempt++)
        {
            report.Compile.Start();
            var input = Harness.Harness.Compile(live.Select(SourceFile).Append(TwinFile(live)).ToArray());
            var run = Harness.Harness.Run(input);
            report.Compile.Stop();
            report.GeneratedChars += run.Generated.Values.Sum(t => (long)t.Length);
            report.VectorForwardPrograms += run.Generated.Values.Count(t => t.Contains("forward mode with one tangent per input", StringComparison.Ordinal));
            report.LargestGeneratedFile = Math.Max(report.LargestGeneratedFile, run.Generated.Values.Max(t => (long)t.Length));
            var bad = new HashSet<string>(StringComparer.Ordinal);

            foreach (var e in run.Exceptions)
            {
                report.GeneratorExceptions++;
                report.Failures.Add(Describe(seed, "generator exception (thrown into the driver)", live, byName, e.ToString()));
                report.FailedPrograms.Add(-1);
                bad.UnionWith(live.Select(m => m.Name));
            }
            foreach (var d in run.GeneratorFailures)
            {
                report.GeneratorExceptions++;
                report.Failures.Add(Describe(seed, "generator failure " + d.Id, live, byName, d.ToString()));
                report.FailedPrograms.Add(-1);
                bad.UnionWith(live.Select(m => m.Name));
            }
            foreach (var d in run.GeneratorDiagnostics)
            {
                var m = MethodOf(d, live);
                if (d.Id == "NABLA0999")
                {
                    report.GeneratorExceptions++;
                    report.Failures.Add(Describe(seed, "generator exception (NABLA0999)", m is null ? live : [m], byName, d.ToString()));
                    report.FailedPrograms.Add(m?.Index ?? -1);
                    if (m is not null) bad.Add(m.Name); else bad.UnionWith(live.Select(x => x.Name));
                }
                else if (d.Severity == DiagnosticSeverity.Error)
                {
                    if (m is null || !DocumentedRejections.Contains(d.Id))
                    {
                        report.Failures.Add(Describe(seed, "undocumented or unlocated error diagnostic", m is null ? live : [m], byName, d.ToString()));
                        report.FailedPrograms.Add(m?.Index ?? -1);
                        if (m is not null) bad.Add(m.Name); else bad.UnionWith(live.Select(x => x.Name));
                    }
                    else
                    {
                        Increment(report.Rejected, d.Id);
                        if (Environment.GetEnvironmentVariable("NABLA_FUZZ_SHOW_REJECTED") == "1") Console.Error.WriteLine("REJECTED " + d);
                        bad.Add(m.Name);
                    }
                }
                else if (d.Severity == DiagnosticSeverity.Warning)
                    Increment(report.Warnings, d.Id);
            }
            MemoryStream? image = null;
            if (bad.Count == 0)
            {
                // Emit binds the whole compilation once and reports its errors: no separate GetDiagnostics pass.
                report.Emit.Start();
                image = new MemoryStream();
                var emitted = run.Output.Emit(image);
                report.Emit.Stop();
                var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                foreach (var group in errors.GroupBy(d => GeneratedMethodName(d)))
                {
                    string text = string.Join("\n", group.Take(5).Select(d => Harness.Harness.Format(d, run.Output)));
                    if (group.Key is string name && byName.ContainsKey(name))
                    {
                        report.GeneratedCodeErrors++;
                        report.Failures.Add(Describe(seed, "C# compile error in generated code", [byName[name]], byName, text));
                        report.FailedPrograms.Add(byName[name].Index);
                        bad.Add(name);
                    }
                    else
                        throw new InvalidOperationException("the differential tester wrote code that does not compile (a bug of the tester):\n" + text);
                }
                if (!emitted.Success && bad.Count == 0)
                    throw new InvalidOperationException("emit failed without errors");
            }
            if (bad.Count == 0)
            {
                output = image;
                break;
            }
            // Drop the bad methods and, transitively, their callers.
            int direct = bad.Count;
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (var m in live)
                    if (!bad.Contains(m.Name) && m.Callees.Any(bad.Contains)) { bad.Add(m.Name); changed = true; }
            }
            live = live.Where(m => !bad.Contains(m.Name)).ToList();
            report.DroppedWithCallee += bad.Count - direct;
        }
        if (output is null || live.Count == 0)
            return;

        using var stream = output;
        stream.Position = 0;
        report.Emit.Start();
        var context = new AssemblyLoadContext("NablaDifferential", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(stream);
            report.Emit.Stop();
            report.Check.Start();
            var p = assembly.GetType("P", throwOnError: true)!;
            var tw = assembly.GetType("Tw", throwOnError: true)!;
            var twd = assembly.GetType("TwD", throwOnError: true)!;
            var recorder = assembly.GetType("Tr", throwOnError: true)!;
            foreach (var m in live)
            {
                var checker = new MethodChecker(m, p, tw, twd, recorder, report, seed, byName);
                checker.CheckAll();
                report.MethodsChecked++;
            }
            report.Check.Stop();
        }
        finally
        {
            if (report.Emit.IsRunning) report.Emit.Stop();
            if (report.Check.IsRunning) report.Check.Stop();
            context.Unload();
        }
    }

    private static void Increment(SortedDictionary<string, int> counts, string id) =>
        counts[id] = counts.TryGetValue(id, out int c) ? c + 1 : 1;

    private static string SourceFile(GeneratedMethod m) =>
        $"using System;\nusing Nabla;\n\npublic static partial class P\n{{\n{m.Source}}}\n";

    private static string TwinFile(IReadOnlyList<GeneratedMethod> methods) =>
        "using System;\n\npublic static class Tw\n{\n" + string.Join("\n", methods.Select(m => m.Twin)) + "}\n\n" +
        "public static class TwD\n{\n" + string.Join("\n", methods.Where(m => m.IsFloat).Select(m => ProgramGenerator.InDouble(m.Twin))) + "}\n\n" +
        ProgramGenerator.RecorderSource + "\n";

    /// <summary>The method whose source file (Test{i}.cs, one method each) a diagnostic is in.</summary>
    private static GeneratedMethod? MethodOf(Diagnostic d, IReadOnlyList<GeneratedMethod> live)
    {
        var match = Regex.Match(Harness.Harness.PathOf(d), @"Test(\d+)\.cs$");
        return match.Success && int.Parse(match.Groups[1].Value, Inv) is int i && i < live.Count ? live[i] : null;
    }

    /// <summary>F{k} from a generated file's path, P.F{k}.Nabla.g.cs; null for user files.</summary>
    private static string? GeneratedMethodName(Diagnostic d)
    {
        var match = Regex.Match(d.Location.SourceTree?.FilePath ?? "", @"P\.(F\d+)\.Nabla\.g\.cs$");
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>A failure's report: the run's seed, the program's index and seed, its text with every method it calls, and what went wrong.</summary>
    internal static string Describe(int seed, string what, IReadOnlyList<GeneratedMethod> methods, IReadOnlyDictionary<string, GeneratedMethod> byName, string details)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"=== {what} (run seed {seed}; reproduce with NABLA_FUZZ_SEED={seed} NABLA_FUZZ_PROGRAMS={methods.Max(m => m.Index) + 1})");
        sb.AppendLine(details);
        var all = new SortedDictionary<int, GeneratedMethod>();
        var stack = new Stack<GeneratedMethod>(methods);
        while (stack.Count > 0)
        {
            var m = stack.Pop();
            if (all.TryAdd(m.Index, m))
                foreach (var c in m.Callees) stack.Push(byName[c]);
        }
        if (methods.Count <= 3)
        {
            sb.AppendLine("public static partial class P\n{");
            foreach (var m in all.Values)
                sb.Append(m.Source);
            sb.AppendLine("}");
        }
        else
            sb.AppendLine($"(the whole batch: programs {methods.Min(m => m.Index)}..{methods.Max(m => m.Index)})");
        return sb.ToString();
    }

    /// <summary>Checks one generated method at a few random points.</summary>
    internal sealed class MethodChecker
    {
        private readonly GeneratedMethod _m;
        private readonly FuzzReport _report;
        private readonly int _seed;
        private readonly IReadOnlyDictionary<string, GeneratedMethod> _byName;
        private readonly Tolerances _tol;
        private readonly MethodInfo _f, _twin, _jvp, _vwg, _primal, _pullback, _vwp;
        /// <summary>A float method's twin written in double (null for a double method).</summary>
        private readonly MethodInfo? _twinInDouble;
        private readonly FieldInfo _path, _overflow;
        private readonly Random _rng;
        private bool _failed;
        public bool Failed => _failed;
        private string _at = "";

        public MethodChecker(GeneratedMethod m, Type p, Type tw, Type twInDouble, Type recorder, FuzzReport report, int seed, IReadOnlyDictionary<string, GeneratedMethod> byName)
        {
            _m = m;
            _report = report;
            _seed = seed;
            _byName = byName;
            _tol = m.IsFloat ? SingleTol : DoubleTol;
            _path = recorder.GetField("Path")!;
            _overflow = recorder.GetField("Overflow")!;
            _rng = new Random(ProgramGenerator.ProgramSeed(seed, m.Index) ^ 0x5eed);
            const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
            MethodInfo One(Type t, string name, int parameters) =>
                t.GetMethods(Static).Single(x => x.Name == name && x.GetParameters().Length == parameters);
            // Scalar-only methods have no array parameter, no array tangent and no shadow.
            int arrays = m.ScalarOnly ? 0 : 1;
            _f = One(p, m.Name, 3 + arrays);
            _twin = One(tw, m.Name, 3 + arrays);
            _twinInDouble = m.IsFloat ? One(twInDouble, m.Name, 3 + arrays) : null;
            _jvp = One(p, m.Name + "_Jvp", 5 + 2 * arrays);
            _vwg = One(p, m.Name + "_ValueWithGradient", 3 + arrays);
            _primal = One(p, m.Name + "_Primal", 4 + 2 * arrays);
            _pullback = One(p, m.Name + "_Pullback", 2);
            _vwp = One(p, m.Name + "_ValueWithPullback", 3 + arrays);
        }

        private object Real(double v) => _m.IsFloat ? (object)(float)v : v;
        private double Round(double v) => _m.IsFloat ? (double)(float)v : v;
        private Array Arr(double[] v) => _m.IsFloat ? v.Select(e => (float)e).ToArray() : (double[])v.Clone();
        private static double[] Back(Array a) => a is float[] f ? f.Select(e => (double)e).ToArray() : (double[])((double[])a).Clone();
        private static double D(object? o) => o is float f ? f : (double)o!;

        public void CheckAll()
        {
            for (int point = 0; point < PointsPerMethod && !_failed; point++)
            {
                double x = Round(Math.Round(_rng.NextDouble() * 4 - 2, 6));
                double y = Round(Math.Round(_rng.NextDouble() * 4 - 2, 6));
                var a = new double[_m.ScalarOnly ? 0 : 1 + _rng.Next(4)];
                for (int i = 0; i < a.Length; i++) a[i] = Round(Math.Round(_rng.NextDouble() * 3 - 1.5, 6));
                int n = _rng.Next(5);
                CheckAt(x, y, a, n);
            }
        }

        /// <summary>
        /// The original at (z[0], z[1], z[2..]) and n: its value, the array it leaves, and the path its twin took; the
        /// path is <see cref="Overflowed"/> when a value on the way was infinite or NaN.
        /// </summary>
        private (double Value, double[] Final, long Path) Eval(double[] z, int n)
        {
            double[] a = z.Skip(2).ToArray();
            Array arr = Arr(a);
            double v = D(_f.Invoke(null, Args(Real(z[0]), Real(z[1]), arr, n)));
            Array twinArr = Arr(a);
            var (tv, path) = Twin(_twin, Real(z[0]), Real(z[1]), twinArr, n);
            if (BitConverter.DoubleToInt64Bits(tv) != BitConverter.DoubleToInt64Bits(v) && !(double.IsNaN(v) && double.IsNaN(tv)))
                throw new InvalidOperationException($"the twin of {_m.Name} computes {tv:R}, the original {v:R} (a bug of the tester)");
            return (v, Back(arr), path);
        }

        /// <summary>The path of a run in which a value overflowed: equal to no path a finite run takes.</summary>
        private const long Overflowed = long.MinValue;

        private (double Value, long Path) Twin(MethodInfo twin, object x, object y, Array a, int n)
        {
            _path.SetValue(null, 0L);
            _overflow.SetValue(null, false);
            double v = D(twin.Invoke(null, Args(x, y, a, n)));
            if ((bool)_overflow.GetValue(null)!) return (v, Overflowed);
            long path = (long)_path.GetValue(null)!;
            return (v, path == Overflowed ? path + 1 : path);   // a finite run whose hash happens to be the marker
        }

        /// <summary>
        /// Second opinion on a float method's derivative when its float finite difference disagrees: the central difference
        /// of the same program in double (the function the float program rounds), with the double step, on a path that holds
        /// still; agreement within the float tolerance means the float difference was off by rounding (the float method's
        /// loops can accumulate far more than the 16 ulps the rounding term allows).
        /// </summary>
        private bool AgreesInDouble(double[] z, int n, int j, int component, double derivative)
        {
            if (_twinInDouble is null) return false;
            (double Value, double[] Final, long Path) At(double[] p)
            {
                double[] a = p.Skip(2).ToArray();
                var (v, path) = Twin(_twinInDouble, p[0], p[1], a, n);
                return (v, a, path);
            }
            var base0 = At(z);
            if (base0.Path == Overflowed) return false;
            double h = DoubleTol.FdStep * Math.Max(1.0, Math.Abs(z[j]));
            double[] plus = (double[])z.Clone(), minus = (double[])z.Clone();
            plus[j] += h;
            minus[j] -= h;
            var (fp, ap, pathP) = At(plus);
            var (fm, am, pathM) = At(minus);
            if (pathP != base0.Path || pathM != base0.Path) return false;
            double vp = component == 0 ? fp : ap[component - 1], vm = component == 0 ? fm : am[component - 1];
            double numeric = (vp - vm) / (plus[j] - minus[j]);
            double bound = _tol.FdRel * Math.Max(1.0, Math.Abs(numeric)) +
                           DoubleTol.Ulps * DoubleTol.Epsilon * Math.Max(Math.Abs(vp), Math.Abs(vm)) / (plus[j] - minus[j]);
            return Math.Abs(derivative - numeric) <= bound;
        }

        /// <summary>The arguments (x, y, a, n, rest...) in the method's order: without <c>a</c> for a scalar-only method.</summary>
        private object?[] Args(object x, object y, Array a, int n, params object?[] rest) =>
            _m.ScalarOnly ? [x, y, n, .. rest] : [x, y, a, n, .. rest];

        /// <summary>The components of a gradient tuple (dx, dy[, da]).</summary>
        private double[] Gradient(ITuple t) => _m.ScalarOnly ? [D(t[0]), D(t[1])] : [D(t[0]), D(t[1]), .. Back((Array)t[2]!)];

        private void Fail(string what, string details)
        {
            if (_failed) return;
            _failed = true;
            _report.Disagreements++;
            _report.Failures.Add(Describe(_seed, what + " in " + _m.Name, [_m], _byName, _at + "\n" + details));
            _report.FailedPrograms.Add(_m.Index);
        }

        private void SameValue(double expected, double actual, string form)
        {
            if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual) && !(double.IsNaN(expected) && double.IsNaN(actual)))
                Fail("value differs", string.Create(Inv, $"{form} returns {actual:R}, the original {expected:R}"));
        }

        /// <summary>Forward vs reverse: |a − b| ≤ abs + rel·scale, where scale bounds the terms summed.</summary>
        private void Modes(double forward, double reverse, double scale, string what)
        {
            _report.ModeComparisons++;
            if (forward == reverse) return;
            double bound = _tol.ModesAbs + _tol.ModesRel * Math.Max(scale, Math.Max(Math.Abs(forward), Math.Abs(reverse)));
            if (!(Math.Abs(forward - reverse) <= bound))
                Fail("forward and reverse mode disagree", string.Create(Inv, $"{what}: {forward:R} vs {reverse:R} (|difference| {Math.Abs(forward - reverse):R} > {bound:R})"));
        }

        public void CheckAt(double x, double y, double[] a, int n)
        {
            int dims = 2 + a.Length;
            double[] z = [x, y, .. a];
            _at = string.Create(Inv, $"at x = {x:R}, y = {y:R}, a = new {(_m.IsFloat ? "float" : "double")}[] {{ {string.Join(", ", a.Select(v => v.ToString("R", Inv)))} }}, n = {n}");
            var (f0, final0, path0) = Eval(z, n);
            if (!double.IsFinite(f0) || Math.Abs(f0) > 1e8 || final0.Any(v => !double.IsFinite(v) || Math.Abs(v) > 1e8))
            {
                _report.PointsOutOfRange++;
                return;
            }
            if (path0 == Overflowed)
            {
                _report.PointsOverflowed++;
                return;
            }
            _report.PointsChecked++;

            // Reverse mode, one pass.
            var vwg = (ITuple)_vwg.Invoke(null, Args(Real(x), Real(y), Arr(a), n))!;
            SameValue(f0, D(vwg[0]), "F_ValueWithGradient");
            double[] g = Gradient((ITuple)vwg[1]!);

            // Reverse mode, split: F_Primal then F_Pullback (array cotangents accumulate into the shadow passed to the primal).
            object?[] primalArgs = _m.ScalarOnly ? [Real(x), Real(y), n, null] : [Real(x), Real(y), Arr(a), n, Arr(new double[a.Length]), null];
            SameValue(f0, D(_primal.Invoke(null, primalArgs)), "F_Primal");
            var pb = (ITuple)_pullback.Invoke(null, [primalArgs[^1], Real(1.0)])!;
            double[] gSplit = _m.ScalarOnly ? [D(pb[0]), D(pb[1])] : [D(pb[0]), D(pb[1]), .. Back((Array)primalArgs[4]!)];

            // Reverse mode as a closure.
            var vwp = (ITuple)_vwp.Invoke(null, Args(Real(x), Real(y), Arr(a), n))!;
            SameValue(f0, D(vwp[0]), "F_ValueWithPullback");
            var closure = (Delegate)vwp[1]!;
            double[] gClosure = Gradient((ITuple)closure.DynamicInvoke(Real(1.0))!);

            // Forward mode along each unit direction: the tangent of the result, and of the array left behind.
            double[] forward = new double[dims];
            double[][] finalTangent = new double[dims][];
            for (int j = 0; j < dims; j++)
            {
                double[] e = new double[dims];
                e[j] = 1;
                var (value, tangent, da) = Jvp(z, e, n);
                SameValue(f0, value, $"F_Jvp along e{j}");
                forward[j] = tangent;
                finalTangent[j] = da;
            }
            if (_failed) return;

            double gScale = g.Select(Math.Abs).DefaultIfEmpty(0).Max();
            for (int j = 0; j < dims; j++)
            {
                Modes(forward[j], g[j], 0, $"F_Jvp along e{j} vs F_ValueWithGradient component {j}");
                Modes(gSplit[j], g[j], 0, $"F_Primal + F_Pullback vs F_ValueWithGradient component {j}");
                Modes(gClosure[j], g[j], 0, $"F_ValueWithPullback vs F_ValueWithGradient component {j}");
            }

            // Forward mode along a random direction vs the gradient.
            double[] dir = new double[dims];
            for (int j = 0; j < dims; j++) dir[j] = Round(Math.Round(_rng.NextDouble() * 2 - 1, 4));
            var (vDir, along, _) = Jvp(z, dir, n);
            SameValue(f0, vDir, "F_Jvp along a random direction");
            double dot = 0, scale = 0;
            for (int j = 0; j < dims; j++) { dot += g[j] * dir[j]; scale += Math.Abs(g[j] * dir[j]); }
            Modes(along, dot, scale, $"F_Jvp along ({string.Join(", ", dir.Select(v => v.ToString("R", Inv)))}) vs gradient·direction");
            if (_failed) return;

            // Central finite differences of the original method, where the path is the same on both sides.
            for (int j = 0; j < dims && !_failed; j++)
                FiniteDifference(z, n, j, path0, g[j], finalTangent[j]);
        }

        private (double Value, double Tangent, double[] FinalTangent) Jvp(double[] z, double[] d, int n)
        {
            Array da = Arr(d.Skip(2).ToArray());
            object?[] args = _m.ScalarOnly
                ? [Real(z[0]), Real(z[1]), n, Real(d[0]), Real(d[1])]
                : [Real(z[0]), Real(z[1]), Arr(z.Skip(2).ToArray()), n, Real(d[0]), Real(d[1]), da];
            var r = (ITuple)_jvp.Invoke(null, args)!;
            return (D(r[0]), D(r[1]), Back(da));
        }

        /// <summary>The central difference with step <paramref name="h"/>, or null when either side takes another path.</summary>
        private (double[] Numeric, double[] Bound)? Central(double[] z, int n, int j, long path0, double h)
        {
            double[] p = (double[])z.Clone();
            double plus = Round(z[j] + h), minus = Round(z[j] - h);
            p[j] = plus;
            var (fp, ap, pathP) = Eval(p, n);
            p[j] = minus;
            var (fm, am, pathM) = Eval(p, n);
            if (pathP != path0 || pathM != path0)
                return null;
            double step = plus - minus;
            // Component 0 is the result; components 1.. are the elements of the array left behind.
            double[] numeric = new double[1 + ap.Length], bound = new double[1 + ap.Length];
            double[] vp = [fp, .. ap], vm = [fm, .. am];
            for (int i = 0; i < numeric.Length; i++)
            {
                numeric[i] = (vp[i] - vm[i]) / step;
                bound[i] = _tol.FdRel * Math.Max(1.0, Math.Abs(numeric[i])) + _tol.Ulps * _tol.Epsilon * Math.Max(Math.Abs(vp[i]), Math.Abs(vm[i])) / step;
            }
            return (numeric, bound);
        }

        private void FiniteDifference(double[] z, int n, int j, long path0, double reverse, double[] finalTangent)
        {
            double h = _tol.FdStep * Math.Max(1.0, Math.Abs(z[j]));
            var c = Central(z, n, j, path0, h);
            if (c is null) { _report.FdSkippedBranch++; return; }
            var (numeric, bound) = c.Value;
            double[] ad = [reverse, .. finalTangent];
            (double[] Numeric, double[] Bound)? wide = null, narrow = null;
            bool looked = false;
            for (int i = 0; i < numeric.Length; i++)
            {
                if (Math.Abs(ad[i] - numeric[i]) <= bound[i]) { _report.FdComparisons++; continue; }
                // Does the finite difference itself hold still? Compare steps 2h and h/2.
                if (!looked)
                {
                    looked = true;
                    wide = Central(z, n, j, path0, 2 * h);
                    narrow = Central(z, n, j, path0, h / 2);
                }
                if (wide is null || narrow is null) { _report.FdSkippedBranch++; continue; }
                double spread = Math.Abs(wide.Value.Numeric[i] - narrow.Value.Numeric[i]);
                if (!(spread <= Math.Max(wide.Value.Bound[i], narrow.Value.Bound[i]))) { _report.FdSkippedIllConditioned++; continue; }
                _report.FdComparisons++;
                if (AgreesInDouble(z, n, j, i, ad[i])) { _report.FloatFdSettledInDouble++; continue; }
                string of = i == 0 ? "the result" : $"element {i - 1} of the array left in a";
                string mode = i == 0 ? "F_ValueWithGradient" : $"F_Jvp along e{j}";
                Fail("derivative disagrees with finite differences", string.Create(Inv,
                    $"d({of})/d(input {j}): {mode} gives {ad[i]:R}, central difference {numeric[i]:R} (h = {h:R}; 2h: {wide.Value.Numeric[i]:R}, h/2: {narrow.Value.Numeric[i]:R}; tolerance {bound[i]:R})"));
                return;
            }
        }
    }
}
