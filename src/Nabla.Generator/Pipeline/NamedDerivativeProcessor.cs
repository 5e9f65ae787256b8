// Writes the bodies of user-declared partial methods [GradientOf], [ValueWithGradientOf] and
// [JvpOf]: the original is lowered with the declaration's parameter names and the chosen Wrt,
// differentiated, and emitted as the partial method's implementation.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.IR;
using Nabla.Generator.Transforms;
using TypeKind = Nabla.Generator.IR.TypeKind;

namespace Nabla.Generator.Pipeline;

internal enum NamedDerivativeKind { Gradient, ValueWithGradient, Jvp, Hessian }

internal static class NamedDerivativeProcessor
{
    public static GeneratedFile Process(IMethodSymbol declaration, AttributeData attribute, NamedDerivativeKind kind, SemanticModel model, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();
        MethodDeclarationSyntax? implementable = null;
        // Once the declaration is a partial method of a partial type, a failure still implements it (throwing), so that
        // the error reported is the NABLA one, not CS8795 for the missing implementation, which would hide other errors.
        GeneratedFile Failed() => implementable is null
            ? new(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()))
            : Unimplemented(declaration, implementable, diagnostics);
        var attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? declaration.Locations.FirstOrDefault();
        void Mismatch(string message) => diagnostics.Add(DiagnosticInfo.Create(Descriptors.NamedDerivativeTarget, attributeLocation, message));
        try
        {
            string attributeName = kind switch { NamedDerivativeKind.Gradient => "GradientOf", NamedDerivativeKind.ValueWithGradient => "ValueWithGradientOf", NamedDerivativeKind.Hessian => "HessianOf", _ => "JvpOf" };
            var syntax = declaration.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
            if (syntax is null || !declaration.IsPartialDefinition)
            {
                Mismatch($"[{attributeName}] goes on a partial method declaration without a body, e.g. 'public static partial double FGradient(double x);'");
                return Failed();
            }
            var nonPartial = TypeDeclarations.FirstNonPartial(declaration.ContainingType);
            if (nonPartial != null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotPartial, declaration.Locations.FirstOrDefault(), nonPartial.Name, declaration.Name));
                return Failed();
            }
            implementable = syntax;
            string? targetName = attribute.ConstructorArguments.FirstOrDefault().Value as string;
            string? wrtText = Symbols.NamedString(attribute, "Wrt");
            var candidates = declaration.ContainingType.GetMembers(targetName ?? "").OfType<IMethodSymbol>()
                .Where(m => !SymbolEqualityComparer.Default.Equals(m, declaration) && !m.IsPartialDefinition).ToList();
            if (candidates.Count == 0)
            {
                Mismatch($"'{declaration.ContainingType.Name}' has no method named '{targetName}' for [{attributeName}] on '{declaration.Name}'");
                return Failed();
            }
            IMethodSymbol? target = null;
            List<string>? names = null;
            List<int>? tangentPositions = null;
            foreach (var c in candidates)
            {
                if (kind == NamedDerivativeKind.Jvp)
                {
                    // Parameters named as the original's are primals; the rest, in order, are tangents.
                    var map = c.Parameters.Select(p => declaration.Parameters.FirstOrDefault(d => d.Name == p.Name && SymbolEqualityComparer.Default.Equals(d.Type, p.Type))).ToList();
                    if (map.Any(m => m is null)) continue;
                    target = c;
                    names = c.Parameters.Select(p => p.Name).ToList();
                    tangentPositions = declaration.Parameters.Where(d => !map.Contains(d, SymbolEqualityComparer.Default)).Select(d => d.Ordinal).ToList();
                    break;
                }
                if (c.Parameters.Length == declaration.Parameters.Length &&
                    c.Parameters.Zip(declaration.Parameters, (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type)).All(x => x))
                {
                    target = c;
                    names = declaration.Parameters.Select(p => p.Name).ToList();
                    break;
                }
            }
            if (target is null)
            {
                Mismatch(kind == NamedDerivativeKind.Jvp
                    ? $"'{declaration.Name}' must have every parameter of '{targetName}' (same names and types), followed or interleaved by one tangent per differentiation input"
                    : $"'{declaration.Name}' must have the same parameter types as '{targetName}'");
                return Failed();
            }
            if (kind != NamedDerivativeKind.Jvp && !target.ReturnsVoid && !TangentShapes.IsData(target.ReturnType) &&
                target.ReturnType.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single))
            {
                // A gradient (and a Hessian) is of a scalar function; other results have Jacobians.
                Mismatch($"[{attributeName}] needs a function with a double or float result, and '{targetName}' returns '{target.ReturnType.ToDisplayString()}': " +
                         "use [JvpOf] for its forward mode, or Autodiff.ValueWithPullback, Vjp or a Jacobian for its reverse mode");
                return Failed();
            }
            if (!MethodProcessor.Check(target, attributeLocation, diagnostics)) return Failed();
            if (kind == NamedDerivativeKind.Hessian) return Hessian(declaration, target, syntax, wrtText, attributeLocation, model, diagnostics, ct);
            var lowered = MethodProcessor.Lower(target, model.Compilation, wrtText, names, diagnostics, ct, attributeLocation);
            if (lowered is null) return Failed();
            var f = lowered.Function;

            IrFunction result;
            IrType expected;
            if (kind == NamedDerivativeKind.Jvp)
            {
                if (tangentPositions!.Count != lowered.Wrt.Count ||
                    tangentPositions.Select((pos, k) => IsTangentOf(declaration.Parameters[pos].Type, target.Parameters[lowered.Wrt[k]].Type)).Any(ok => !ok))
                {
                    Mismatch($"'{declaration.Name}' must have one tangent parameter per differentiation input of '{target.Name}' ({string.Join(", ", lowered.Wrt.Select(k => target.Parameters[k].Name))}), in that order, of their tangent types ({string.Join(", ", lowered.Wrt.Select(k => TangentDisplay(target.Parameters[k].Type)))})");
                    return Failed();
                }
                result = JvpTransform.Transform(f, lowered.Wrt, lowered.Activity, declaration.Name);
                expected = result.ReturnType;
                // Put parameters in the declaration's order and names.
                var primals = result.Parameters.Take(f.Parameters.Count).ToList();
                var tangents = result.Parameters.Skip(f.Parameters.Count).ToList();
                var ordered = new Parameter[declaration.Parameters.Length];
                for (int k = 0; k < primals.Count; k++)
                    ordered[declaration.Parameters.First(d => d.Name == target.Parameters[k].Name).Ordinal] = primals[k];
                for (int k = 0; k < tangents.Count; k++)
                {
                    var t = tangents[k];
                    var renamed = new Parameter(Symbols.Identifier(declaration.Parameters[tangentPositions[k]].Name), t.Type, t.RefKind, t.Value, null);
                    t.Value!.FunctionParameter = renamed;
                    ordered[tangentPositions[k]] = renamed;
                }
                result.Parameters.Clear();
                result.Parameters.AddRange(ordered);
                result.Summary = $"Forward mode of {target.Name}: its value and directional derivative.";
            }
            else
            {
                var fused = VjpTransform.Fused(f, lowered.Wrt, lowered.Activity, declaration.Name,
                    kind == NamedDerivativeKind.Gradient ? FusedResult.Gradient : FusedResult.ValueAndGradient);
                result = fused.Primal;
                expected = result.ReturnType;
                result.Summary = kind == NamedDerivativeKind.Gradient
                    ? $"The gradient of {target.Name}."
                    : $"The value and gradient of {target.Name}.";
            }
            var declared = Symbols.IrTypeOf(declaration.ReturnType);
            if (!SameShape(declared, expected))
            {
                Mismatch($"'{declaration.Name}' must return {expected.Name} (tuple element names may differ), not {declaration.ReturnType.ToDisplayString()}");
                return Failed();
            }
            result.ReturnType = declared;
            result.Modifiers = string.Join(" ", syntax.Modifiers.Select(m => m.Text));
            result.Summary = null; // the user's declaration carries the documentation
            // An instance method of a differentiable type: the derivative takes the receiver first (a static member); the
            // declaration, an instance method with the original's parameters, passes 'this'.
            string? forwarding = null;
            if (kind != NamedDerivativeKind.Jvp && !declaration.IsStatic && Symbols.HasDifferentiableSelf(target) && result.Parameters.Count == declaration.Parameters.Length + 1)
            {
                string staticName = "Nabla_" + declaration.Name + "_OfReceiver";
                forwarding = $"{result.Modifiers} {Symbols.TypeName(declaration.ReturnType)} {Symbols.Identifier(declaration.Name)}(" +
                             string.Join(", ", declaration.Parameters.Select(p => Symbols.TypeName(p.Type) + " " + Symbols.Identifier(p.Name))) +
                             $") => {staticName}(" + string.Join(", ", new[] { "this" }.Concat(declaration.Parameters.Select(p => Symbols.Identifier(p.Name)))) + ");";
                result.Name = staticName;
                result.Modifiers = "private static";
            }
            var w = new SourceWriter();
            w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
            TypeDeclarations.Open(w, declaration.ContainingType);
            if (forwarding != null)
            {
                w.Line(CSharpEmitter.GeneratedCodeAttribute);
                w.Line(forwarding);
                w.Line();
            }
            CSharpEmitter.Emit(result, w);
            TypeDeclarations.Close(w, declaration.ContainingType);
            string hint = MethodProcessor.HintName(declaration.ContainingType) + "." + declaration.Name + MethodProcessor.CaseSuffix(declaration) + ".Nabla.g.cs";
            return new GeneratedFile(hint, w.ToString(), new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.GeneratorFailure, declaration.Locations.FirstOrDefault(), declaration.ToDisplayString(), e.GetType().Name + ": " + e.Message));
            return Failed();
        }
    }

    /// <summary>[HessianOf]: the second-order members beside the original, and the partial method calling them.</summary>
    private static GeneratedFile Hessian(IMethodSymbol declaration, IMethodSymbol target, MethodDeclarationSyntax syntax, string? wrtText,
        Location? attributeLocation, SemanticModel model, List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        string prefix = "Nabla_" + declaration.Name;
        string? members = SecondOrder.Members(target, model.Compilation, prefix, declaration.Name, out var why, out var hint, ct, wrtText);
        if (members is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.SecondOrderNotAvailable, attributeLocation, target.Name, why ?? "?"));
            return Unimplemented(declaration, syntax, diagnostics);
        }
        // The Hessian's type follows the inputs (a matrix, or a scalar for one scalar input): the declaration must return it.
        var hessianType = System.Text.RegularExpressions.Regex.Match(members, @"static (\S+) " + prefix + @"_Hessian\(").Groups[1].Value;
        string declared = Symbols.TypeName(declaration.ReturnType);
        if (hessianType.Length > 0 && declared != hessianType)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.NamedDerivativeTarget, attributeLocation,
                $"'{declaration.Name}' must return {hessianType}, the Hessian of '{target.Name}' with respect to its differentiation inputs, not {declaration.ReturnType.ToDisplayString()}"));
            return Unimplemented(declaration, syntax, diagnostics);
        }
        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        TypeDeclarations.Open(w, declaration.ContainingType);
        string parameters = string.Join(", ", declaration.Parameters.Select(p => Symbols.TypeName(p.Type) + " " + Symbols.Identifier(p.Name)));
        string args = string.Join(", ", declaration.Parameters.Select(p => Symbols.Identifier(p.Name)));
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Line($"{string.Join(" ", syntax.Modifiers.Select(m => m.Text))} {Symbols.TypeName(declaration.ReturnType)} {Symbols.Identifier(declaration.Name)}({parameters}) => {prefix}_Hessian({args});");
        TypeDeclarations.Close(w, declaration.ContainingType);
        return new GeneratedFile(MethodProcessor.HintName(declaration.ContainingType) + "." + declaration.Name + MethodProcessor.CaseSuffix(declaration) + ".Nabla.g.cs", w.ToString(),
            new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()),
            Extras: new EquatableArray<GeneratedFile>(new[] { new GeneratedFile(hint, members, default) }));
    }

    /// <summary>The implementation of a named derivative that could not be generated (beside its error): it throws.</summary>
    private static GeneratedFile Unimplemented(IMethodSymbol declaration, MethodDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics)
    {
        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        TypeDeclarations.Open(w, declaration.ContainingType);
        string parameters = string.Join(", ", declaration.Parameters.Select(p =>
            (p.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", _ => "" }) + Symbols.TypeName(p.Type) + " " + Symbols.Identifier(p.Name)));
        string typeParameters = declaration.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", declaration.TypeParameters.Select(t => t.Name)) + ">";
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Line($"{string.Join(" ", syntax.Modifiers.Select(m => m.Text))} {(declaration.ReturnsVoid ? "void" : Symbols.TypeName(declaration.ReturnType))} " +
               $"{Symbols.Identifier(declaration.Name)}{typeParameters}({parameters}) => throw new global::Nabla.NotDifferentiableException(\"{declaration.ContainingType.Name}.{declaration.Name}\", \"its derivative could not be generated (see the Nabla error at its attribute)\");");
        TypeDeclarations.Close(w, declaration.ContainingType);
        return new GeneratedFile(MethodProcessor.HintName(declaration.ContainingType) + "." + declaration.Name + MethodProcessor.CaseSuffix(declaration) + ".Nabla.g.cs", w.ToString(),
            new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
    }

    /// <summary>
    /// Whether a declared tangent parameter has the tangent type of its input: the input's own type for reals, vectors and
    /// arrays of reals, <c>S.Tangent</c> for a [Differentiable] struct or class (a generated type, an error type in the
    /// generator's view, so compared by name).
    /// </summary>
    private static bool IsTangentOf(ITypeSymbol declared, ITypeSymbol input)
    {
        var ir = Symbols.IrTypeOf(input);
        if (ir.Tangent.Equals(ir)) return SymbolEqualityComparer.Default.Equals(declared, input);
        return declared.ToDisplayString() == TangentDisplay(input);
    }

    /// <summary>How C# names the tangent type of an input.</summary>
    private static string TangentDisplay(ITypeSymbol input)
    {
        var ir = Symbols.IrTypeOf(input);
        if (ir.Tangent.Equals(ir)) return input.ToDisplayString();
        return input is IArrayTypeSymbol array
            ? TangentDisplay(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]"
            : input.ToDisplayString() + ".Tangent";
    }

    private static bool SameShape(IrType a, IrType b)
    {
        static IReadOnlyList<IrType>? Items(IrType t) => t.Kind == TypeKind.Tuple ? t.Elements
            : t.IsStruct && t.Construction == StructConstruction.Tuple ? t.Fields.Select(f => f.Type).ToList() : null;
        if (Items(a) is { } x && Items(b) is { } y)
            return x.Count == y.Count && x.Zip(y, SameShape).All(z => z);
        return a.Name == b.Name;
    }
}
