// Allocation tests measure what a call allocates on its thread once warm. The runtime itself sometimes allocates on the
// measured thread — tier-1 promotion and on-stack replacement landing in the batch on a loaded machine, ~6–8 KB once
// (dotnet/runtime#63487 and others see the same) — so one batch can count bytes that are not the code's. An allocation
// the code makes shows in every batch; the fewest bytes over a few batches is the code's own.
using System;

namespace Nabla.Tests;

internal static class SteadyState
{
    /// <summary>The fewest bytes <paramref name="batch"/> allocates on this thread over <paramref name="batches"/> runs, after one to warm up.</summary>
    public static long BytesPerBatch(Action batch, int batches = 5)
    {
        batch();
        long fewest = long.MaxValue;
        for (int i = 0; i < batches && fewest > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            batch();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
