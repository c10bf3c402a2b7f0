// C# twin of data/scenarios/scale.json: 10,000 timer awaits vs 16 waits that
// each block a pool thread. The // <lesson> region is the C# the app shows;
// Ms(1000) is 1000 ms at the run's speed. pool_threads_busy_max shows how
// many pool threads the blocked waits held at once: .NET's pool starts at the
// processor count and adds a thread about every 500 ms (of real time, whatever
// the speed) while queued work makes no progress (probes/pool-growth.cs).
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class ScaleTwin
{
    // Task.Delay(Ms(ms)) and Task.Run(() => Thread.Sleep(Ms(ms))), each
    // recorded as a task under the name the GLib run gives it, so that the
    // C# run draws the same rows as the GLib run.
    static Task Delay(double ms) { return IoAs("await Task.Delay(" + ms + ")", ms); }
    static Task RunSleep(double ms) { return Awaitscope.Lab.Sleep("Task.Run(() => Thread.Sleep(" + ms + "))", ms); }

    // <lesson>
    // Scales: 10,000 awaits, no thread held while waiting
    static async Task AwaitManyAsync()
    {
        var waits = Enumerable.Range(0, 10000).Select(_ => Delay(1000));    // Task.Delay
        await Task.WhenAll(waits);               // about 1 s
    }

    // Does not scale: each wait blocks a pool thread
    static async Task BlockManyAsync()
    {
        var blocked = Enumerable.Range(0, 16)
            .Select(_ => RunSleep(1000));        // Task.Run(() => Thread.Sleep(1000))
        await Task.WhenAll(blocked);             // 5 s on 2 processors: the pool grows slowly
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("scale", args);
        Variant("awaits", _ => AwaitManyAsync(), root: "Task.WhenAll(10,000 delays)");
        Variant("thread-bound", _ => BlockManyAsync(), root: "Task.WhenAll(16 blocked threads)");
        Finish();
    }
}
