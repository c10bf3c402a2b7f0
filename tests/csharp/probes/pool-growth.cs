// C# twin of tests/csharp/probes/pool-growth.json, a probe scenario: eight
// work items that each block their pool thread (Thread.Sleep), queued at
// once. .NET's pool starts with as many threads as processors; while queued
// work makes no progress it adds about one thread every 500 ms, of real time
// whatever the run's speed. The probe "injection" measures that interval on
// this runtime, for the "dotnet" pool the engine models (AwPool).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class PoolGrowthTwin
{
    static readonly object gate = new object();
    static readonly List<double> starts = new List<double>();
    static readonly List<double> ends = new List<double>();

    static void Blocked(double ms)
    {
        Rec.Touch();
        lock (gate) starts.Add(Now);
        Thread.Sleep(Ms(ms));
        lock (gate) ends.Add(Now);
    }

    // <lesson>
    static async Task BlockAllAsync()
    {
        var blocked = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Blocked(8400)));
        await Task.WhenAll(blocked);      // the pool grows while nothing finishes
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("pool-growth", args);
        Variant("blocked", _ => BlockAllAsync());

        // Threads added before the first item ended: the gaps between starts,
        // less those of the threads the pool started with (together, at once).
        double firstEnd = ends.Min();
        var before = starts.Where(t => t < firstEnd).OrderBy(t => t).ToList();
        var gaps = new List<object>();
        for (int i = 1; i < before.Count; i++)
            if (before[i] - before[i - 1] >= 100)
                gaps.Add(before[i] - before[i - 1]);
        var sorted = gaps.Cast<double>().OrderBy(g => g).ToList();
        var figures = new JObj();
        figures.Add("threads_at_start", before.Count(t => t - before[0] < 100));
        figures.Add("threads_added", gaps.Count);
        figures.Add("gaps_ms", gaps);
        // The lower median: the first check may come less than an interval
        // after the warm-up's last item ended, and then it adds nothing.
        figures.Add("median_gap_ms", sorted.Count > 0 ? (object) sorted[(sorted.Count - 1) / 2] : null);
        Probe("injection", figures);
        Finish();
    }
}
