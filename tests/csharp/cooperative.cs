// C# twin of data/scenarios/cooperative.json: Cancel is pressed 500 ms into a
// 2 s job on a pool thread that checks its token every 10 ms, every 400 ms or
// never. The // <lesson> region is the C# the app shows. Compress(item) is
// item.Ms of CPU time.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Item { public double Ms; }

static class CooperativeTwin
{
    static void Compress(Item item) { Cpu(item.Ms); }

    static Item[] Items(int count, double ms)
    {
        return Enumerable.Range(0, count).Select(_ => new Item { Ms = ms }).ToArray();
    }

    // <lesson>
    // Checks the token before each item: stops at its next check
    static Task CompressAsync(Item[] items, CancellationToken token)
    {
        return Task.Run(() =>
        {
            foreach (var item in items)      // files of 10 ms, or batches of 400 ms
            {
                token.ThrowIfCancellationRequested();
                Compress(item);
            }
        }, token);
    }

    // Never checks: cancelling the token changes nothing here
    static Task CompressIgnoringTokenAsync(Item[] items, CancellationToken token)
    {
        return Task.Run(() => { foreach (var item in items) Compress(item); });
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("cooperative", args);
        // The caller awaits the returned task; the variant's Cancel button is
        // pressed after 500 ms.
        Variant("checks-often", token => CompressAsync(Items(200, 10), token), 500, root: "CompressFiles (checks every 10 ms)");
        Variant("checks-rarely", token => CompressAsync(Items(5, 400), token), 500, root: "CompressFiles (checks every 400 ms)");
        Variant("never-checks", token => CompressIgnoringTokenAsync(Items(200, 10), token), 500, root: "CompressFiles (never checks)");
        Finish();
    }
}
