// The protocol of an optimizer that moves a differentiable model along its gradient, in place.
namespace Nabla;

/// <summary>
/// An optimizer that updates a model of a differentiable type in place, one gradient at a time:
/// <see cref="Sgd{TModel, TTangent}"/>, <see cref="Momentum{TModel, TTangent}"/>, <see cref="Adam{TModel, TTangent}"/>.
/// </summary>
/// <typeparam name="TModel">The model: a struct (updated through the <see langword="ref"/>) or a class (updated through the reference).</typeparam>
/// <typeparam name="TTangent">The model's tangent type, which gradients come back as.</typeparam>
public interface IOptimizer<TModel, TTangent>
    where TModel : IDifferentiable<TModel, TTangent>
    where TTangent : ITangent<TTangent>
{
    /// <summary>Takes one step: moves <paramref name="model"/> in place according to <paramref name="gradient"/> and the optimizer's state.</summary>
    /// <param name="model">The model to update. A struct is updated through the reference; a class object is mutated.</param>
    /// <param name="gradient">The gradient of the loss with respect to <paramref name="model"/>, at <paramref name="model"/>.</param>
    void Update(ref TModel model, TTangent gradient);
}
