// C# twin of data/scenarios/cancel.json: a CPU job and a download share one
// token, cancelled after 500 ms or never. The // <lesson> region is the C#
// the app shows; Ms(500) is 500 ms at the run's speed.
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class CancelTwin
{
    static readonly int[] images = Enumerable.Range(0, 200).ToArray();    // 2 s of work
    static void Resize(int image) { Cpu(10); }
    static Task DownloadReportAsync(CancellationToken token) { return Io(2000, token: token); }

    // <lesson>
    static async Task ResizeAndDownloadAsync(CancellationToken token)
    {
        Task resize = Task.Run(() =>
        {
            foreach (var image in images)
            {
                token.ThrowIfCancellationRequested();    // checked every 10 ms
                Resize(image);
            }
        }, token);
        Task download = DownloadReportAsync(token);      // the API listens to the token
        await Task.WhenAll(resize, download);            // OperationCanceledException
    }

    static async Task WithDeadlineAsync()
    {
        using (var cts = new CancellationTokenSource())
        {
            cts.CancelAfter(Ms(500));                    // cancelled after 500 ms
            await ResizeAndDownloadAsync(cts.Token);
        }
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("cancel", args);
        Variant("cancel-after", _ => WithDeadlineAsync(), root: "CancelAfter(500)");
        Variant("no-deadline", _ => ResizeAndDownloadAsync(new CancellationTokenSource().Token), root: "Task.WhenAll");
        Finish();
    }
}
