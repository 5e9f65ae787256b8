// Lets the generator's unit tests reach the IR, analyses and transforms directly.
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Nabla.Generator.Tests")]
