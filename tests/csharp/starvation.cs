// C# twin of data/scenarios/starvation.json: twelve downloads each wrapped
// in Task.Run(() => DownloadAsync(url).Result), then a 50 ms computation for
// the same pool; against the downloads awaited. The // <lesson> region is
// the C# the app shows; Ms(2000) is 2000 ms at the run's speed.
//
// DownloadAsync completes from "the network": a thread of its own, as an I/O
// completion thread finishes a real read, so the blocked pool thread wakes
// without needing another pool thread (what the scenario models). The probe
// "completion-needs-pool" does the same with a download that completes
// through Task.Delay, whose timer callback Mono runs on a pool thread: that
// completion waits in the pool's queue behind the blocked work, so no
// download ends before every one of them holds a thread.
//
// .NET's pool adds a thread about every 500 ms of real time, whatever the
// speed (probes/pool-growth.cs); run-twins runs this twin at speed 1, where
// the downloads outlast several of those intervals.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Label { public string Text; }

static class StarvationTwin
{
    static readonly string[] urls = Enumerable.Range(1, 12).Select(i => "https://example.com/file" + i).ToArray();
    static readonly List<Task> syncs = new List<Task>();
    static readonly Label totalLabel = new Label();
    static double clickedAt, totalStartedAt;

    // Stands in for HttpClient: two seconds of network, completed by a thread
    // of its own (an I/O completion), with no pool thread needed.
    static Task<byte[]> DownloadAsync(string url)
    {
        var rec = Rec;
        double start = Now;
        rec.Touch();            // the thread that waits for it: a pool thread with .Result
        rec.IoStarted();
        var done = new TaskCompletionSource<byte[]>();
        var network = new Thread(() =>
        {
            Thread.Sleep(Ms(2000));
            rec.IoEnded(start, false);
            done.SetResult(new byte[16]);
        });
        network.IsBackground = true;
        network.Start();
        return done.Task;
    }

    static void Save(byte[] data) { }

    static string ComputeTotal()
    {
        totalStartedAt = Now;
        Cpu(50);
        return "42 files";
    }

    // <lesson>
    // Sync over async: .Result holds a pool thread for each whole download
    static void StartSync(string[] urls)
    {
        foreach (var url in urls)
            syncs.Add(Task.Run(() => Save(DownloadAsync(url).Result)));
    }

    // Async: a download holds no thread while it waits
    static void StartSyncAsync(string[] urls)
    {
        foreach (var url in urls)
            syncs.Add(SyncOneAsync(url));
    }

    static async Task SyncOneAsync(string url) => Save(await DownloadAsync(url));

    // Right after either, the user clicks Total: 50 ms of work for the pool
    static async void OnTotalClicked(object sender, EventArgs e)
    {
        totalLabel.Text = await Task.Run(() => ComputeTotal());
    }
    // </lesson>

    static void Clicked(Action<string[]> start)
    {
        clickedAt = Now;
        totalStartedAt = -1;
        syncs.Clear();
        start(urls);
        OnTotalClicked(null, EventArgs.Empty);
    }

    static void RecordTotal()
    {
        // How long the 50 ms of work waited for a pool thread.
        Rec.Set("total_wait_ms", totalStartedAt >= 0 ? (object) (totalStartedAt - clickedAt) : null);
    }

    // A download whose completion needs a pool thread: Task.Delay's timer
    // callback runs on one on Mono (and socket completions do in .NET on Linux).
    static async Task<byte[]> DownloadOnPoolAsync(double realMs, List<double> ends)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(realMs)).ConfigureAwait(false);
        lock (ends) ends.Add(Now);
        return new byte[16];
    }

    static void CompletionNeedsPool()
    {
        const int n = 12;
        var starts = new List<double>();
        var ends = new List<double>();
        var threads = new HashSet<int>();
        double t0 = Now;
        var blocked = Enumerable.Range(0, n).Select(_ => Task.Run(() =>
        {
            lock (starts) { starts.Add(Now); threads.Add(Thread.CurrentThread.ManagedThreadId); }
            Save(DownloadOnPoolAsync(1000, ends).Result);
        })).ToArray();
        double totalStart = -1;
        var total = Task.Run(() => { totalStart = Now; });
        bool done = Task.WaitAll(blocked, 60000) && total.Wait(60000);
        var figures = new JObj();
        figures.Add("completed", done);
        figures.Add("downloads", n);
        figures.Add("threads", threads.Count);
        figures.Add("last_start_ms", starts.Count == n ? (object) (starts.Max() - t0) : null);
        figures.Add("first_end_ms", ends.Count > 0 ? (object) (ends.Min() - t0) : null);
        // The structural fact: every download held a thread before any ended.
        figures.Add("first_end_after_last_start", starts.Count == n && ends.Count > 0 && ends.Min() > starts.Max());
        figures.Add("total_wait_ms", totalStart >= 0 ? (object) (totalStart - t0) : null);
        Probe("completion-needs-pool", figures);
    }

    static void Main(string[] args)
    {
        Start("starvation", args);
        Variant("sync-over-async", _ =>
        {
            var t = Click(() => Clicked(StartSync));
            return t.ContinueWith(done => { RecordTotal(); return done; }, TaskContinuationOptions.ExecuteSynchronously).Unwrap();
        }, root: "Sync, then Total");
        Variant("async", _ =>
        {
            var t = Click(() => Clicked(StartSyncAsync));
            return t.ContinueWith(done => { RecordTotal(); return done; }, TaskContinuationOptions.ExecuteSynchronously).Unwrap();
        }, root: "Sync, then Total");
        CompletionNeedsPool();
        Finish();
    }
}
