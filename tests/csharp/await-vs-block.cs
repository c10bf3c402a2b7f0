// C# twin of data/scenarios/await-vs-block.json: a Refresh button that waits
// one second, awaiting or blocking the UI thread. The // <lesson> region is
// the C# the app shows; Ms(1000) is 1000 ms at the run's speed.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class AwaitVsBlockTwin
{
    static Task RefreshListAsync() { return Io(300); }

    // <lesson>
    // Responsive: await gives the UI thread back while waiting
    static async void OnRefreshClicked(object sender, EventArgs e)
    {
        await Task.Delay(Ms(1000));      // the UI thread is free meanwhile
        await RefreshListAsync();        // 300 ms
    }

    // Frozen: the UI thread sleeps, nothing else can run on it
    static async void OnRefreshClickedBlocking(object sender, EventArgs e)
    {
        Thread.Sleep(Ms(1000));          // no repaint, no clicks
        await RefreshListAsync();
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("await-vs-block", args);
        Variant("await", _ => Click(() => OnRefreshClicked(null, EventArgs.Empty)), root: "OnRefreshClicked (async)");
        Variant("block", _ => Click(() => OnRefreshClickedBlocking(null, EventArgs.Empty)), root: "OnRefreshClicked (blocking)");
        Finish();
    }
}
