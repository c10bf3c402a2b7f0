// C# twin of data/scenarios/scale.json: 10,000 timer awaits vs 16 waits that
// each block a pool thread. The // <lesson> region is the C# the app shows;
// Ms(1000) is 1000 ms at the run's speed. pool_threads_busy_max shows how
// many pool threads the blocked waits held at once: .NET's pool starts at the
// processor count and adds threads while work waits (thread injection).
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class ScaleTwin
{
    // <lesson>
    // Scales: 10,000 awaits, no thread held while waiting
    static async Task AwaitManyAsync()
    {
        var waits = Enumerable.Range(0, 10_000).Select(_ => Task.Delay(Ms(1000)));
        await Task.WhenAll(waits);               // about 1 s
    }

    // Does not scale: each wait blocks a pool thread
    static async Task BlockManyAsync()
    {
        var blocked = Enumerable.Range(0, 16)
            .Select(_ => Task.Run(() => Thread.Sleep(Ms(1000))));
        await Task.WhenAll(blocked);             // 16 / pool threads seconds
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("scale", args);
        Variant("awaits", _ => AwaitManyAsync());
        Variant("thread-bound", _ => BlockManyAsync());
        Finish();
    }
}
