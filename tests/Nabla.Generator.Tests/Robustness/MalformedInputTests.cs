// The generator never throws into the compiler: malformed, incomplete and unsupported programs get the
// compiler's own errors and Nabla's diagnostics, never an exception, CS8785 or NABLA0999. Programs that
// are valid C# also get generated code that compiles.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Nabla.Generator.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Nabla.Generator.Tests.Robustness;

public class MalformedInputTests
{
    private readonly ITestOutputHelper _output;

    public MalformedInputTests(ITestOutputHelper output) => _output = output;

    private const string Usings = DiagnosticVerifier.Usings;

    private static string Members(string members) => DiagnosticVerifier.InClass(members);

    /// <summary>Programs that are not valid C#: only "no crash" is asserted.</summary>
    public static readonly Dictionary<string, string> Malformed = new()
    {
        ["syntax error in body"] = Members("[Differentiable] public static double F(double x) => x * ;"),
        ["missing semicolons and braces"] = Members("[Differentiable] public static double F(double x) { double y = x * x return y"),
        ["unterminated class"] = Usings + "public static partial class C { [Differentiable] public static double F(double x) => x",
        ["missing types"] = Members("[Differentiable] public static Foo F(Bar x) => x.Baz();"),
        ["missing parameter type"] = Members("[Differentiable] public static double F(Bar x, double y) => x.Value * y;"),
        ["unbound identifiers"] = Members("[Differentiable] public static double F(double x) => x * y + Unknown(x) + z.w;"),
        ["unbound method on active path"] = Members("[Differentiable] public static double F(double x) { double y = Nope(x); return y * x; }"),
        ["empty body, missing return"] = Members("[Differentiable] public static double F(double x) { }"),
        ["incomplete attribute: [Differentiable("] = Members("[Differentiable(\npublic static double F(double x) => x * x;"),
        ["incomplete attribute: [Differentiable(]"] = Members("[Differentiable(] public static double F(double x) => x * x;"),
        ["incomplete attribute: [Differentiable"] = Members("[Differentiable public static double F(double x) => x * x;"),
        ["attribute with wrong argument"] = Members("[Differentiable(42)] public static double F(double x) => x * x;"),
        ["Wrt of the wrong type"] = Members("[Differentiable(Wrt = 3)] public static double F(double x) => x * x;"),
        ["Wrt null"] = Members("[Differentiable(Wrt = null)] public static double F(double x) => x * x;"),
        ["Wrt empty and commas"] = Members("[Differentiable(Wrt = \" , ,\")] public static double F(double x) => x * x;"),
        ["[GradientOf()]"] = Members("[Differentiable] public static double F(double x) => x * x;\n[GradientOf()] public static partial double G(double x);"),
        ["[GradientOf(null)]"] = Members("[Differentiable] public static double F(double x) => x * x;\n[GradientOf(null)] public static partial double G(double x);"),
        ["[GradientOf(42)]"] = Members("[Differentiable] public static double F(double x) => x * x;\n[GradientOf(42)] public static partial double G(double x);"),
        ["[GradientOf( unterminated"] = Members("[Differentiable] public static double F(double x) => x * x;\n[GradientOf(nameof(F)\npublic static partial double G(double x);"),
        ["[JvpOf] with no parameters"] = Members("[Differentiable] public static double F(double x) => x * x;\n[JvpOf(nameof(F))] public static partial (double, double) G();"),
        ["[ValueWithGradientOf] of itself"] = Members("[ValueWithGradientOf(nameof(G))] public static partial (double, double) G(double x);"),
        ["[GradientOf] of a property"] = Members("public static double P => 1;\n[GradientOf(nameof(P))] public static partial double G(double x);"),
        ["[GradientOf] with missing types"] = Members("[Differentiable] public static double F(double x) => x * x;\n[GradientOf(nameof(F))] public static partial Foo G(Bar x);"),
        ["[DerivativeOf(typeof(Math))]"] = Members("[DerivativeOf(typeof(Math))] public static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf(null, null)]"] = Members("[DerivativeOf(null, null)] public static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf(typeof(Math), null)]"] = Members("[DerivativeOf(typeof(Math), null)] public static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf()]"] = Members("[DerivativeOf()] public static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf( unterminated"] = Members("[DerivativeOf(typeof(Math), \npublic static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf] of a missing type"] = Members("[DerivativeOf(typeof(Nope), \"Sin\")] public static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf] with an open generic type"] = Members("[DerivativeOf(typeof(List<>), \"Add\")] public static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf] with an array type"] = Members("[DerivativeOf(typeof(double[]), \"Length\")] public static (double, Func<double, double>) R(double x) => (x, d => d);"),
        ["[DerivativeOf] with Mode out of range"] = Members("public static double Sq(double x) => x * x;\n[DerivativeOf(typeof(C), nameof(Sq), Mode = (DerivativeMode)7)] public static (double, Func<double, double>) R(double x) => (x * x, d => 2 * x * d);"),
        ["[DerivativeOf] with an unbound body"] = Members("public static double Sq(double x) => x * x;\n[DerivativeOf(typeof(C), nameof(Sq))] public static (double, Func<double, double>) R(double x) => (q * q, d => w * d);"),
        ["[DerivativeOf] whose lambda does not compile"] = Members("public static double Sq(double x) => x * x;\n[DerivativeOf(typeof(C), nameof(Sq))] public static (double, Func<double, double>) R(double x) => (x * x, (a, b) => a);"),
        ["[DerivativeOf] without a body"] = Members("public static double Sq(double x) => x * x;\n[DerivativeOf(typeof(C), nameof(Sq))] public static partial (double, Func<double, double>) R(double x);"),
        ["[DerivativeOf] with a void return"] = Members("public static double Sq(double x) => x * x;\n[DerivativeOf(typeof(C), nameof(Sq))] public static void R(double x) { }"),
        ["[DerivativeOf] returning a 3-tuple"] = Members("public static double Sq(double x) => x * x;\n[DerivativeOf(typeof(C), nameof(Sq))] public static (double, Func<double, double>, int) R(double x) => (x * x, d => d, 1);"),
        ["[DerivativeOf] on a method of a generic type"] = Usings + "public static partial class G<T> { public static double Sq(double x) => x * x; [DerivativeOf(typeof(G<int>), \"Sq\")] public static (double, Func<double, double>) R(double x) => (x * x, d => d); }",
        ["partial method, attribute on the declaration"] = Members("[Differentiable] public static partial double F(double x);\npublic static partial double F(double x) => x * x;"),
        ["partial method, attribute on the implementation"] = Members("public static partial double F(double x);\n[Differentiable] public static partial double F(double x) => x * x;"),
        ["partial method without body"] = Members("[Differentiable] public static partial double F(double x);"),
        ["partial method without body or accessibility"] = Members("[Differentiable] static partial double F(double x);"),
        ["attribute on a class that is not partial"] = Usings + "[Differentiable] public class P { public double X; }",
        ["attribute on a field"] = Members("[Differentiable] public static double Field;"),
        ["attribute on a property"] = Members("[Differentiable] public static double P => 1;"),
        ["attribute on a parameter"] = Members("public static double F([Differentiable] double x) => x;"),
        ["differentiable type with a syntax error"] = Usings + "[Differentiable] public partial struct P { public double X public double Y; }",
        ["differentiable type with a member of a missing type"] = Usings + "[Differentiable] public partial struct P { public Missing M; public double X; }",
        ["differentiable attribute on two partial declarations"] = Usings + "[Differentiable] public partial struct P { public double X; } [Differentiable] public partial struct P { public double Y; }",
        ["differentiable type with tuple, struct and array properties"] = Usings + "[Differentiable] public partial struct Q { public (double A, (float, double[]) B) T { get; set; } public P Inner { get; set; } public P[] Many { get; set; } public System.Numerics.Vector3 V { get; private set; } } [Differentiable] public partial struct P { public double X; }",
        ["differentiable type with no tangent members"] = Usings + "[Differentiable] public partial class Empty { public int N; [NoDerivative] public double Frozen; public static double Shared; }",
        ["differentiable interface"] = Usings + "[Differentiable] public partial interface IP { double X { get; } }",
        ["differentiable enum"] = Usings + "[Differentiable] public enum E { A }",
        ["differentiable class deriving from itself"] = Usings + "[Differentiable] public partial class P : P { public double X; }",
        ["differentiable classes deriving from each other"] = Usings + "[Differentiable] public partial class P : Q { public double X; } [Differentiable] public partial class Q : P { public double Y; }",
        ["differentiable type with members named like generated locals"] = Usings + "[Differentiable] public partial struct P { public double left, right, value, scale, d, s, o, sb, h, count, other, obj, destination, source, direction, nablaValue, nablaBase; public double[] a, b, c, i, j, k, p, t; }",
        ["differentiable type with keyword member names"] = Usings + "[Differentiable] public partial class @class { public double @double; public (double @int, float @in) @return; }",
        ["generic differentiable class and its derived class"] = Usings + "[Differentiable] public partial class G<T> where T : System.Numerics.IFloatingPointIeee754<T> { public T X = T.Zero; public T[] Xs = Array.Empty<T>(); } [Differentiable] public partial class H : G<float> { public double Y { get; set; } }",
        ["nested differentiable types in a generic type"] = Usings + "public partial class O<U> { [Differentiable] public partial struct S { public double X; public U Data; } }",
        ["attribute on a constructor"] = Usings + "public partial class P { [Differentiable] public P(double x) { } }",
        ["attribute on an operator"] = Usings + "public partial struct P { public double V; [Differentiable] public static P operator +(P a, P b) => a; }",
        ["attribute on an enum"] = Usings + "[Differentiable] public enum E { A }",
        ["[GradientOf] on a class"] = Usings + "[GradientOf(\"F\")] public partial class P { }",
        ["[DerivativeOf] on a property"] = Members("[DerivativeOf(typeof(Math), \"Sin\")] public static double P => 1;"),
        ["duplicate attribute"] = Members("[Differentiable, Differentiable] public static double F(double x) => x * x;"),
        ["differentiable local function"] = Members("public static double M(double x) { [Differentiable] static double L(double y) => y * y; return L(x); }"),
        ["method in an interface without body"] = Usings + "public partial interface I { [Differentiable] double F(double x); }",
        ["pointer parameter"] = Members("[Differentiable] public static unsafe double F(double x, double* p) => x * *p;"),
        ["ref return"] = Members("static double s; [Differentiable] public static ref double F(double x) => ref s;"),
        ["stackalloc and spans"] = Members("[Differentiable] public static double F(double x) { Span<double> s = stackalloc double[2]; s[0] = x; return s[0]; }"),
        ["dynamic"] = Members("[Differentiable] public static double F(double x, dynamic d) => x * d;"),
        ["nullable result"] = Members("[Differentiable] public static double? F(double x) => x;"),
        ["params array"] = Members("[Differentiable] public static double F(double x, params double[] rest) => x * rest.Length;"),
        ["goto into a loop"] = Members("[Differentiable] public static double F(double x) { double y = x; again: y = y * x; if (y < 100) goto again; return y; }"),
        ["checked arithmetic and overflow"] = Members("[Differentiable] public static double F(double x, int n) => checked(n * 2147483647) * x;"),
        ["recursion"] = Members("[Differentiable] public static double F(double x) => x > 1 ? x * F(x - 1) : 1;"),
        ["top-level statements"] = Usings + "Console.WriteLine(1);\npartial class Program { [Differentiable] public static double F(double x) => x * x; }",
        ["names that collide with generated members"] = Members("[Differentiable] public static double F(double x) => x * x;\npublic static double F_Jvp(double x, double dx) => x;\npublic struct F_Residuals { }"),
        ["method named like a keyword with different casing"] = Members("[Differentiable] public static double Double(double @double) => @double * 2;"),
        ["preprocessor directives"] = Members("#if FOO\n[Differentiable]\n#endif\npublic static double F(double x) =>\n#line 100 \"other.cs\"\n x * x;"),
        ["string concatenation and nameof"] = Members("[Differentiable] public static double F(double x) { if (x < 0) throw new ArgumentException(\"bad \" + nameof(x)); return x; }"),
        ["conditional access"] = Members("[Differentiable] public static double F(double x, string? s) => x * (s?.Length ?? 0);"),
        ["null-coalescing on double?"] = Members("[Differentiable] public static double F(double x, double? y) => x * (y ?? x);"),
        ["object and is-pattern"] = Members("[Differentiable] public static double F(double x, object o) => o is int i ? x * i : x;"),
        ["using declaration"] = Members("[Differentiable] public static double F(double x) { using var d = new System.IO.MemoryStream(); return x * d.Length; }"),
        ["lock"] = Members("static readonly object L = new(); [Differentiable] public static double F(double x) { lock (L) { return x * x; } }"),
        ["foreach"] = Members("[Differentiable] public static double F(double x, List<double> xs) { double s = x; foreach (var v in xs) s += v; return s; }"),
        ["try/finally with empty try"] = Members("[Differentiable] public static double F(double x) { try { } finally { } return x; }"),
        ["empty finally"] = Members("[Differentiable] public static double F(double x) { try { x = x * x; } finally { } return x; }"),
        ["catch with filter"] = Members("[Differentiable] public static double F(double x) { try { return x * x; } catch (Exception e) when (e.Message.Length > 0) { return 0; } }"),
        ["tuple deconstruction"] = Members("[Differentiable] public static double F(double x) { var (a, b) = (x, x * x); return a * b; }"),
        ["tuple result"] = Members("[Differentiable] public static (double, double) F(double x) => (x, x * x);"),
        ["struct instance method"] = Usings + "public partial struct S { public double K; [Differentiable] public double F(double x) => K * x * x; }",
        ["record instance method"] = Usings + "public partial record R(double K) { [Differentiable] public double F(double x) => K * x * x; }",
        ["ref struct"] = Usings + "public ref partial struct S { [Differentiable] public static double F(double x) => x * x; }",
        ["file-local type"] = Usings + "file static partial class Hidden { [Differentiable] public static double F(double x) => x * x; }",
        ["private nested type"] = Usings + "public partial class Outer { private static partial class Inner { [Differentiable] public static double F(double x) => x * x; } }",
        ["static local function calling differentiable"] = Members("[Differentiable] public static double F(double x) => x * x; public static double M(double x) { static double L(double y) => F(y); return L(x); }"),
        ["many overloads"] = Members("[Differentiable] public static double F(double x) => x; [Differentiable] public static float F(float x) => x; [Differentiable] public static double F(double x, double y) => x * y; [Differentiable] public static double F(double x, int n) => x * n;"),
        ["expression with missing operand in ternary"] = Members("[Differentiable] public static double F(double x) => x > 0 ? : x;"),
        ["default literal and casts"] = Members("[Differentiable] public static double F(double x) { double y = default; int n = (int)Math.Floor(x); return (float)x * n + y; }"), // (int)x alone: NABLA0017, Nabla0017Tests
        ["integer division and modulo on reals"] = Members("[Differentiable] public static double F(double x, double y) => x % y + (long)x / 3;"),
        ["while (true) left by a return"] = Members("[Differentiable] public static double F(double x) { while (true) { if (x < 1) return x; x = x * 0.5; } }"),
        ["for (;;) left by a return"] = Members("[Differentiable] public static double F(double x) { for (;;) { x = x * 0.5; if (x < 1) return x; } }"),
        ["nested loops with break and continue"] = Members("[Differentiable] public static double F(double x, int n) { double s = 0; for (int i = 0; i < n; i++) { if (i == 3) continue; for (int j = 0; j < i; j++) { if (s > 100) break; s += x * j; } } return s; }"),
        ["do-while"] = Members("[Differentiable] public static double F(double x) { double y = 1; int k = 0; do { y *= x; k++; } while (k < 4); return y; }"),
        ["switch statement with goto case"] = Members("[Differentiable] public static double F(double x, int k) { switch (k) { case 0: return x; case 1: x *= 2; goto case 0; default: return -x; } }"),
        ["array written in a loop"] = Members("[Differentiable] public static double F(double[] a, double x) { for (int i = 0; i < a.Length; i++) a[i] = a[i] * x; return a[0]; }"),
        ["array result"] = Members("[Differentiable] public static double[] F(double[] a) { var r = new double[a.Length]; for (int i = 0; i < a.Length; i++) r[i] = a[i] * a[i]; return r; }"),
        ["jagged and 2D arrays"] = Members("[Differentiable] public static double F(double[][] a, double[,] b) => a[0][0] * b[0, 0];"),
        ["index computed from a real"] = Members("[Differentiable] public static double F(double[] a, double x) => a[(int)x] * x;"),
        ["foreach over an array"] = Members("[Differentiable] public static double F(double[] a) { double s = 0; foreach (var v in a) s += v * v; return s; }"),
        ["float array"] = Members("[Differentiable] public static float F(float[] a, float x) { float s = 0; for (int i = 0; i < a.Length; i++) s += MathF.Sin(a[i] * x); return s; }"),
        ["void method writing an array"] = Members("[Differentiable] public static void F(double[] a, double[] result) { for (int i = 0; i < a.Length; i++) result[i] = a[i] * a[i]; }"),
        ["loop in a rule"] = Members("public static double Sq(double x) => x * x;\n[DerivativeOf(typeof(C), nameof(Sq))] public static (double, Func<double, double>) R(double x) { double d = 0; for (int i = 0; i < 2; i++) d += x; return (x * x, g => d * g); }"),
        ["unicode identifiers"] = Usings + "public static partial class Ω { [Differentiable] public static double Größe(double ä, double 数) { double ñ = ä * 数; return ñ * ä; } }",
        ["unicode escapes in identifiers"] = Members("[Differentiable] public static double \\u0046oo(double \\u0078) => x * \\u0078;"),
        ["keywords as identifiers"] = Usings + "public static partial class @class { [Differentiable] public static double @double(double @double, double @return) { double @var = @double * @return; double @in = @var; return @in + @double; } }",
        ["contextual keywords as identifiers"] = Members("[Differentiable] public static double F(double var, double value, double async, double await, double nameof) => var * value + async * await + nameof;"),
        ["generated member name taken by a parameter"] = Members("[Differentiable] public static double F(double x, double residuals, double value, double cotangent) => x * residuals * value * cotangent;"),
        ["adjoint-like parameter names"] = Members("[Differentiable] public static double F(double x, double dx, double ddx, double d) => x * dx * ddx * d;"),
    };

    public static IEnumerable<object[]> MalformedNames() => Malformed.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(MalformedNames))]
    public void NeverCrashes(string name) => CheckNoCrash(name);


    private void CheckNoCrash(string name)
    {
        var run = Harness.Harness.Run(Malformed[name]);
        _output.WriteLine(run.Describe());
        Assert.False(run.Crashed, $"'{name}':\n{run.Describe()}");
    }

    public static IEnumerable<object[]> LocatedNames() => MalformedNames().Where(n => (string)n[0] != MissingReturn);


    private const string MissingReturn = "empty body, missing return";

    /// <summary>Every diagnostic Nabla reports points into the user's source.</summary>
    [Theory]
    [MemberData(nameof(LocatedNames))]
    public void DiagnosticsPointIntoTheSource(string name) => CheckLocations(name);

    /// <summary>
    /// A double method with an empty body (CS0161) gets NABLA0002 "a return without a value" with no
    /// location: the compiler already reports the error, and Nabla's should be silent or located.
    /// </summary>
    [Fact]
    public void DiagnosticsPointIntoTheSource_EmptyBody() => CheckLocations(MissingReturn);

    private static void CheckLocations(string name)
    {
        var run = Harness.Harness.Run(Malformed[name]);
        Assert.All(run.GeneratorDiagnostics, d =>
            Assert.True(d.Location.Kind != LocationKind.None && Harness.Harness.PathOf(d) == "Test0.cs",
                $"'{name}': diagnostic without a source location: {d}"));
    }

    /// <summary>Valid C# that Nabla accepts: the generated code must compile without errors or warnings.</summary>
    [Theory]
    [InlineData("unicode identifiers")]
    [InlineData("adjoint-like parameter names")]
    [InlineData("many overloads")]
    [InlineData("record instance method")]
    [InlineData("private nested type")]
    [InlineData("default literal and casts")]
    [InlineData("string concatenation and nameof")]
    [InlineData("for (;;) left by a return")]
    [InlineData("nested loops with break and continue")]
    [InlineData("do-while")]
    [InlineData("switch statement with goto case")]
    [InlineData("array written in a loop")]
    [InlineData("array result")]
    [InlineData("jagged and 2D arrays")]
    [InlineData("index computed from a real")]
    [InlineData("foreach over an array")]
    [InlineData("float array")]
    [InlineData("void method writing an array")]
    [InlineData("loop in a rule")]
    [InlineData("partial method, attribute on the implementation")]
    [InlineData("keywords as identifiers")]
    [InlineData("contextual keywords as identifiers")]
    [InlineData("generated member name taken by a parameter")]
    [InlineData("recursion")]
    [InlineData("partial method, attribute on the declaration")]
    [InlineData("struct instance method")]
    [InlineData("differentiable type with members named like generated locals")]
    [InlineData("differentiable type with keyword member names")]
    [InlineData("generic differentiable class and its derived class")]
    [InlineData("differentiable type with tuple, struct and array properties")]
    [InlineData("differentiable type with no tangent members")]
    public void ValidPrograms_GetCodeThatCompiles(string name)
    {
        CheckValidProgram(name);
    }

    /// <summary>
    /// A file-local type cannot be extended by a partial declaration in a generated file (it would be
    /// another type): Nabla says so with NABLA0004 at the method, and generates nothing.
    /// </summary>
    [Fact]
    public void FileLocalType_IsReportedNotMiscompiled()
    {
        var run = Harness.Harness.Run(Malformed["file-local type"]);
        Assert.False(run.Crashed, run.Describe());
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NABLA0004", d.Id);
        Assert.Contains("file-local", d.GetMessage());
        Assert.True(run.OutputDiagnostics.All(o => o.Severity != DiagnosticSeverity.Error || o.Id == "NABLA0004"), run.Describe());
    }

    private void CheckValidProgram(string name)
    {
        // Every form of every method, used or not (NablaDerivatives=All): all of it must compile.
        var run = Harness.Harness.Run(Harness.Harness.Compile(Malformed[name]), derivatives: "All");
        _output.WriteLine(run.Describe());
        Assert.False(run.Crashed, run.Describe());
        var userErrors = run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(userErrors.Count == 0, "the test program itself is invalid:\n" + string.Join("\n", userErrors));
        Assert.True(run.GeneratorDiagnostics.IsEmpty, "unexpected generator diagnostics:\n" + run.Describe());
        Assert.NotEmpty(run.Generated);
        Assert.True(run.OutputDiagnostics.IsEmpty, $"'{name}':\n{run.Describe()}");
    }

    /// <summary>
    /// Long expressions and deep nesting must not overflow the stack or take long. Sizes are kept so that
    /// the suite stays fast; the generator's time grows faster than linearly (sum of 1000 terms: ~14 s,
    /// 2000: ~31 s), and compiling its output for 200 if statements takes minutes.
    /// </summary>
    [Theory]
    [InlineData("sum", 400)]
    [InlineData("product", 300)]
    [InlineData("ternaries", 60)]
    [InlineData("nested parentheses", 300)]
    [InlineData("statements", 300)]
    [InlineData("ifs", 20)]
    public void LargeMethods_DoNotCrashOrHang(string shape, int size)
    {
        var body = new StringBuilder();
        switch (shape)
        {
            case "sum":
                body.Append("=> x");
                for (int i = 0; i < size; i++) body.Append(" + x * ").Append(i % 7 + 1).Append(".5");
                body.Append(';');
                break;
            case "product":
                body.Append("=> 1.0");
                for (int i = 0; i < size; i++) body.Append(" * (x + ").Append(i % 5).Append(')');
                body.Append(';');
                break;
            case "ternaries":
                body.Append("=> ");
                for (int i = 0; i < size; i++) body.Append($"x > {i} ? x * {i + 1}.0 : (");
                body.Append("x");
                body.Append(')', size);
                body.Append(';');
                break;
            case "nested parentheses":
                body.Append("=> ").Append('(', size).Append('x');
                for (int i = 0; i < size; i++) body.Append(" * x)");
                body.Append(';');
                break;
            case "statements":
                body.Append("{ double y = x;");
                for (int i = 0; i < size; i++) body.Append($" y = y * x + {i}.0;");
                body.Append(" return y; }");
                break;
            case "ifs":
                body.Append("{ double y = x;");
                for (int i = 0; i < size; i++) body.Append($" if (y > {i}) y = y * x; else y = y + x;");
                body.Append(" return y; }");
                break;
        }
        var compilation = Harness.Harness.Compile(Members("[Differentiable] public static double F(double x) " + body));
        compilation.GetDiagnostics(); // bind the user's code first: the generator's time is what is measured
        var watch = Stopwatch.StartNew();
        var run = Harness.Harness.Run(compilation);
        var generatorTime = watch.Elapsed;
        watch.Restart();
        var inGenerated = run.DiagnosticsInGeneratedCode;
        _output.WriteLine($"{shape} x{size}: generator {generatorTime.TotalMilliseconds:F0} ms, compiling the output {watch.ElapsedMilliseconds} ms, " +
                          $"{run.Generated.Values.Sum(s => s.Length)} chars generated");
        Assert.False(run.Crashed, run.Describe());
        Assert.True(run.GeneratorDiagnostics.IsEmpty, run.Describe());
        Assert.True(inGenerated.IsEmpty, run.Describe());
        Assert.True(generatorTime < TimeSpan.FromSeconds(15), $"the generator took {generatorTime} on {shape} x{size}");
    }
}
