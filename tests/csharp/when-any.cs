// C# twin of data/scenarios/when-any.json: the same file from three mirrors;
// the first download to succeed wins and the others are cancelled. The
// // <lesson> region is the C# the app shows.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class WhenAnyTwin
{
    static readonly Dictionary<string, double> Today = new Dictionary<string, double>
    {
        { "eu.mirror.example", 1200 },     // the usual one, slow today
        { "us.mirror.example", 400 },
        { "asia.mirror.example", 800 },
    };

    static Task<byte[]> DownloadAsync(string mirror, CancellationToken token)
    {
        return Io(Today[mirror], new byte[0], token);
    }

    // <lesson>
    static async Task<byte[]> DownloadFromFastestAsync(string[] mirrors)
    {
        using (var cts = new CancellationTokenSource())
        {
            // Calling DownloadAsync starts each download; WhenAny only watches them
            var downloads = mirrors.Select(m => DownloadAsync(m, cts.Token)).ToList();
            // The first to complete wins, even if it failed or was cancelled
            Task<byte[]> first = await Task.WhenAny(downloads);
            cts.Cancel();                        // stop the slower mirrors
            return await first;                  // its file, or its error
        }
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("when-any", args);
        Variant("one-mirror", _ => DownloadAsync("eu.mirror.example", CancellationToken.None), root: "DownloadAsync(eu) - slow today");
        Variant("when-any", _ => DownloadFromFastestAsync(Today.Keys.ToArray()), root: "Task.WhenAny");
        Finish();
    }
}
