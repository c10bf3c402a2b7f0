// C# twin of data/scenarios/deadlock.json: .Result on the UI thread on a task
// whose continuation needs the UI thread. The // <lesson> region is the C#
// the app shows.
//
// The `result` variant really deadlocks: the UI thread blocks in .Result and
// the continuation of GetDataAsync waits in that thread's queue for ever. The
// twin's watchdog (the main thread, watching the UI loop's heartbeat) gives up
// after --deadline ms, reports "deadlocked" and leaves that UI thread blocked;
// the process still exits cleanly. Real C# has no such watchdog: .Result
// neither returns nor throws.
using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Label { public string Text; }

// Stands in for HttpClient. Like all library code (HttpClient included) it
// uses ConfigureAwait(false) on its own awaits.
class Http
{
    public async Task<string> GetStringAsync(string url)
    {
        await Io(500).ConfigureAwait(false);
        return "{\"data\": 1}";
    }
}

static class DeadlockTwin
{
    static readonly Label label = new Label();
    static readonly Http http = new Http();
    const string url = "https://example.com/data";
    static string Parse(string json) { return json.Trim(); }

    // <lesson>
    // Deadlock: .Result blocks the UI thread, and the code after the await
    // in GetDataAsync is queued to that same thread (its SynchronizationContext)
    static void OnClick(object sender, EventArgs e) =>
        label.Text = GetDataAsync().Result;

    static async Task<string> GetDataAsync() =>
        Parse(await http.GetStringAsync(url));

    // Half a fix: ConfigureAwait(false) on every await down the chain, so
    // .Result returns; the UI thread is still frozen while it waits
    static async Task<string> GetDataAnyThreadAsync() =>
        Parse(await http.GetStringAsync(url).ConfigureAwait(false));

    // The fix: async all the way
    static async void OnClickFixed(object sender, EventArgs e)
    {
        label.Text = await GetDataAsync();
    }
    // </lesson>

    static void OnClickHalfFixed(object sender, EventArgs e) =>
        label.Text = GetDataAnyThreadAsync().Result;

    static void Main(string[] args)
    {
        Start("deadlock", args);
        Variant("result", _ => Click(() => OnClick(null, EventArgs.Empty)), root: "OnClick");
        Variant("configure-await", _ => Click(() => OnClickHalfFixed(null, EventArgs.Empty)), root: "OnClick");
        Variant("await", _ => Click(() => OnClickFixed(null, EventArgs.Empty)), root: "OnClick");

        // A console app or ASP.NET Core has no SynchronizationContext: the same
        // .Result does not deadlock there, it blocks a pool thread meanwhile.
        var sw = Stopwatch.StartNew();
        var console = Task.Run(() => GetDataAsync().Result);
        bool done = console.Wait(DeadlineMs);
        Probe("console-result", new JObj {
            { "synchronization_context", "none (a pool thread)" },
            { "outcome", done ? "completed" : "deadlocked" },
            { "wall_ms", sw.Elapsed.TotalMilliseconds },
        });
        Finish();
    }
}
