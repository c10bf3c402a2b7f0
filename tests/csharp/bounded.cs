// C# twin of data/scenarios/bounded.json: 100 downloads of 40 ms, one by
// one, all at once, and at most 10 at once (SemaphoreSlim). The // <lesson>
// region is the C# the app shows; Ms(40) is 40 ms at the run's speed.
// DownloadAsync is a wait that holds no thread (Lab.Io); it counts the
// downloads in flight, and each variant prints the most there were at once
// (in_flight_max) and how many ran (downloads). Parallel.ForEachAsync is
// .NET 6 and later: Mono 6.8 has no such method, so the region shows it as a
// comment.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class BoundedTwin
{
    static int inFlight, inFlightMax;

    static readonly string[] urls =
        Enumerable.Range(1, 100).Select(i => "https://example.org/files/" + i).ToArray();

    static async Task DownloadAsync(string url)
    {
        int now = Interlocked.Increment(ref inFlight);
        for (int max = Volatile.Read(ref inFlightMax); now > max; max = Volatile.Read(ref inFlightMax))
            if (Interlocked.CompareExchange(ref inFlightMax, now, max) == max)
                break;
        try { await Io(40); }
        finally
        {
            Interlocked.Decrement(ref inFlight);
            Count("downloads");
        }
    }

    // <lesson>
    // One by one: 100 x 40 ms = 4 s, one connection at a time
    static async Task DownloadOneByOneAsync(IEnumerable<string> urls)
    {
        foreach (string url in urls)
            await DownloadAsync(url);
    }

    // All at once: about 40 ms, with 100 connections open together
    static async Task DownloadAllAtOnceAsync(IEnumerable<string> urls)
    {
        await Task.WhenAll(urls.Select(url => DownloadAsync(url)));
    }

    // At most 10 at once: 100 / 10 x 40 ms = 0.4 s, never 11 connections
    static async Task DownloadAtMost10Async(IEnumerable<string> urls)
    {
        using (var gate = new SemaphoreSlim(10))
        {
            await Task.WhenAll(urls.Select(async url =>
            {
                await gate.WaitAsync();          // wait for one of the 10 slots
                try { await DownloadAsync(url); }
                finally { gate.Release(); }      // the slot goes to the next one
            }));
        }
    }

    // The same in .NET 6 and later (Mono 6.8 does not have it):
    // await Parallel.ForEachAsync(urls,
    //     new ParallelOptions { MaxDegreeOfParallelism = 10 },
    //     async (url, token) => await DownloadAsync(url, token));
    // </lesson>

    /// <summary>Runs one way of downloading them all and records the most in flight at once.</summary>
    static Func<CancellationToken, Task> Measured(Func<IEnumerable<string>, Task> download)
    {
        return async _ =>
        {
            var rec = Rec;
            Volatile.Write(ref inFlight, 0);
            Volatile.Write(ref inFlightMax, 0);
            await download(urls);
            rec.Set("in_flight_max", Volatile.Read(ref inFlightMax));
        };
    }

    static void Main(string[] args)
    {
        Start("bounded", args);
        Variant("one-by-one", Measured(DownloadOneByOneAsync), root: "foreach (url) await DownloadAsync(url)");
        Variant("all-at-once", Measured(DownloadAllAtOnceAsync), root: "Task.WhenAll(100 downloads)");
        Variant("at-most-10", Measured(DownloadAtMost10Async), root: "Task.WhenAll(100 downloads), SemaphoreSlim(10)");
        Finish();
    }
}
