// C# twin of data/scenarios/no-cancellation.json: a report page starts 2 s of
// work; the user leaves after 0.3 s. The // <lesson> region is the C# the app
// shows. BuildReport is 2 s of CPU work; with a token it checks it every 10 ms.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Report { }

static class Work
{
    public static Report BuildReport()
    {
        for (int i = 0; i < 200; i++) Cpu(10);
        return new Report();
    }

    public static Report BuildReport(CancellationToken token)
    {
        CpuChecking(2000, 10, token);
        return new Report();
    }
}

// <lesson>
class ReportPage : IDisposable
{
    readonly CancellationTokenSource _cts = new CancellationTokenSource();
    public Report Report { get; private set; }

    // Without a token: nothing can stop it
    public async Task LoadWithoutTokenAsync() =>
        Report = await Task.Run(() => Work.BuildReport());

    // With a token: leaving the page stops the work
    public async Task LoadAsync() =>
        Report = await Task.Run(() => Work.BuildReport(_cts.Token), _cts.Token);

    public void Dispose() => _cts.Cancel();      // the user left the page
}
// </lesson>

static class NoCancellationTwin
{
    static Task Open(bool withToken, CancellationToken userLeaves)
    {
        var page = new ReportPage();
        userLeaves.Register(page.Dispose);       // navigating away disposes the page
        return withToken ? page.LoadAsync() : page.LoadWithoutTokenAsync();
    }

    static void Main(string[] args)
    {
        Start("no-cancellation", args);
        Variant("no-token", leaves => Open(false, leaves), 300, root: "BuildReport() (no token)");
        Variant("with-token", leaves => Open(true, leaves), 300, root: "BuildReport(token)");
        Finish();
    }
}
