// C# twin of data/scenarios/timeout-race.json: a report raced against
// Task.Delay(1000) with WhenAny; the loser is cancelled, or (third variant)
// nobody cancels it. The // <lesson> region is the C# the app shows;
// Ms(1000) is 1000 ms at the run's speed. BuildReport is CPU work that checks
// its token every 10 ms. Task.WaitAsync(TimeSpan), the same race in one call,
// is .NET 6 and later: Mono 6.8 has no such method, so the region names it in
// a comment.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Report { }

static class TimeoutRaceTwin
{
    static double reportMs;
    static Report BuildReport(CancellationToken token) { CpuChecking(reportMs, 10, token); return new Report(); }
    static void Show(Report report) { }
    static void ShowMessage(string text) { }

    // <lesson>
    static async Task ShowReportAsync()
    {
        using (var cts = new CancellationTokenSource())
        {
            Task<Report> work = Task.Run(() => BuildReport(cts.Token), cts.Token);
            Task delay = Task.Delay(Ms(1000), cts.Token);
            Task first = await Task.WhenAny(work, delay);
            cts.Cancel();             // stop the loser, whichever it is:
                                      // WhenAny stops nothing
            if (first == work)
                Show(await work);
            else
                ShowMessage("The report took too long.");
        }
    }

    // .NET 6+: await work.WaitAsync(TimeSpan.FromSeconds(1)) is this race in
    // one call. It too stops only the waiting (TimeoutException): the work
    // runs on until its token is cancelled.
    // </lesson>

    // The mistake (third variant): the same without cts.Cancel(), so the
    // work runs on after the caller has given up.
    static async Task ShowReportForgettingTheLoserAsync()
    {
        using (var cts = new CancellationTokenSource())
        {
            Task<Report> work = Task.Run(() => BuildReport(cts.Token), cts.Token);
            Task delay = Task.Delay(Ms(1000), cts.Token);
            Task first = await Task.WhenAny(work, delay);
            if (first == work)
                Show(await work);
            else
                ShowMessage("The report took too long.");
        }
    }

    static void Main(string[] args)
    {
        Start("timeout-race", args);
        Variant("in-time", _ => { reportMs = 600; return ShowReportAsync(); }, root: "Task.WhenAny(work, delay)");
        Variant("too-late", _ => { reportMs = 2000; return ShowReportAsync(); }, root: "Task.WhenAny(work, delay)");
        Variant("too-late-not-cancelled", _ => { reportMs = 2000; return ShowReportForgettingTheLoserAsync(); }, root: "Task.WhenAny(work, delay)");
        Finish();
    }
}
