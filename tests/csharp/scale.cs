// C# twin of data/scenarios/scale.json: 10,000 timer awaits vs 16 waits that
// each block a pool thread. The // <lesson> region is the C# the app shows;
// Ms(1000) is 1000 ms at the run's speed. pool_threads_busy_max shows how
// many pool threads the blocked waits held at once: .NET's pool starts at the
// processor count and adds a thread about every 500 ms (of real time, whatever
// the speed) while queued work makes no progress (probes/pool-growth.cs).
using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class ScaleTwin
{
    // Recorded.Delay and Recorded.Run are Task.Delay and Task.Run with the
    // same arguments and the same Task, each task also recorded under the
    // name the GLib run gives it, so that the C# run draws the same rows.
    static class Recorded
    {
        public static Task Delay(TimeSpan delay)
        {
            double ms = delay.TotalMilliseconds * Speed;            // back to scenario ms
            return IoAs("await Task.Delay(" + ms.ToString("0.###", CultureInfo.InvariantCulture) + ")", ms);
        }

        public static Task Run(Action action)
        {
            return Awaitscope.Lab.Queued("Task.Run(() => Thread.Sleep(1000))", action);
        }
    }

    // <lesson>
    // Recorded.Delay and Recorded.Run: Task.Delay and Task.Run, each task
    // recorded for the timeline
    // Scales: 10,000 awaits, no thread held while waiting
    static async Task AwaitManyAsync()
    {
        var waits = Enumerable.Range(0, 10000).Select(_ => Recorded.Delay(Ms(1000)));
        await Task.WhenAll(waits);               // about 1 s
    }

    // Does not scale: each wait blocks a pool thread
    static async Task BlockManyAsync()
    {
        var blocked = Enumerable.Range(0, 16)
            .Select(_ => Recorded.Run(() => Thread.Sleep(Ms(1000))));
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
