// C# twin of data/scenarios/valuetask.json: 1,000 price lookups, 9 in 10 from
// a cache, through a Task<T> method or a ValueTask<T> one. The // <lesson>
// region is the C# the app shows.
//
// Figures: sync_completed counts the calls whose task was already complete
// when they returned (IsCompletedSuccessfully before the await);
// tasks_allocated the calls that made a Task object; loop_hops the awaits
// whose continuation went through the UI thread's queue instead of running
// at once. In C# an await of a completed Task<T> continues synchronously just
// like a completed ValueTask<T>: what ValueTask saves is the allocation.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;
using static Lab;

class Db
{
    public Task<decimal> LoadPriceAsync(int id) { return Io(2, 10m + id); }   // a miss: 2 ms
}

static class ValueTaskTwin
{
    static Dictionary<int, decimal> _cache;
    static readonly Db _db = new Db();

    // <lesson>
    // Task<T>: a Task object for every call, even on a cache hit
    static async Task<decimal> GetPriceAsync(int id)
    {
        decimal price;
        if (_cache.TryGetValue(id, out price))
            return price;                        // complete, but still a new Task
        return _cache[id] = await _db.LoadPriceAsync(id);
    }

    // ValueTask<T>: a hit returns the value itself, no allocation
    static ValueTask<decimal> GetPriceFastAsync(int id)
    {
        if (_cache.TryGetValue(id, out var price))
            return new ValueTask<decimal>(price);
        return new ValueTask<decimal>(GetPriceAsync(id));
    }
    // </lesson>

    static void FillCache()
    {
        _cache = new Dictionary<int, decimal>();
        for (int id = 0; id < 1000; id++)
            if (id % 10 != 0) _cache[id] = 10m + id;      // 900 hits, 100 misses
    }

    static async Task LookUpAllAsync(bool fast)
    {
        var ui = UiThread.CurrentUi;
        decimal total = 0;
        for (int id = 0; id < 1000; id++)
        {
            int turns = ui.Turns;
            if (fast)
            {
                ValueTask<decimal> price = GetPriceFastAsync(id);
                if (price.IsCompletedSuccessfully) Count("sync_completed");
                else Count("tasks_allocated");
                total += await price;
            }
            else
            {
                Task<decimal> price = GetPriceAsync(id);
                Count("tasks_allocated");
                if (price.Status == TaskStatus.RanToCompletion) Count("sync_completed");
                total += await price;
            }
            Count("loop_hops", ui.Turns != turns ? 1 : 0);
        }
    }

    static void Main(string[] args)
    {
        Start("valuetask", args);
        FillCache();
        Variant("task", _ => { FillCache(); return LookUpAllAsync(false); }, root: "1,000 x await GetPriceAsync()");
        Variant("valuetask", _ => { FillCache(); return LookUpAllAsync(true); }, root: "1,000 x await GetPriceFastAsync()");
        Finish();
    }
}
