// C# twin of data/scenarios/workflow.json: a dashboard load with a cached
// ValueTask, two fetches under WhenAll, charts built on a pool thread, a 2 s
// CancelAfter linked to the page's token. The // <lesson> region is the C#
// the app shows; Ms(2000) is 2000 ms at the run's speed.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Settings { }
class Profile { }
class Order { }
class Charts { }

// Stands in for System.Net.Http's, which Debian's mono-mcs does not bring.
class HttpRequestException : Exception
{
    public HttpRequestException(string message) : base(message) { }
}

class SettingsStore
{
    readonly Settings cached = new Settings();
    public ValueTask<Settings> GetAsync()
    {
        Count("sync_completed");                 // a cache hit: no Task, no wait
        return new ValueTask<Settings>(cached);
    }
}

class Api
{
    public double OrdersMs = 900;
    public bool OrdersFail;
    public Task<Profile> GetProfileAsync(CancellationToken token) { return Io(700, new Profile(), token); }
    public Task<Order[]> GetOrdersAsync(CancellationToken token)
    {
        if (OrdersFail)
            return Fail<Order[]>(400, new HttpRequestException("orders service: 500 Internal Server Error"), token);
        return Io(OrdersMs, new Order[0], token);
    }
}

static class WorkflowTwin
{
    static readonly SettingsStore _settings = new SettingsStore();
    static readonly Api _api = new Api();
    static Charts BuildCharts(Settings s, Order[] orders, CancellationToken token)
    {
        CpuChecking(200, 10, token);
        return new Charts();
    }
    static void Show(Profile profile, Charts charts) { }
    static void ShowMessage(string text) { }
    static void ShowError(string text) { }

    // <lesson>
    static async Task LoadDashboardAsync(CancellationToken pageToken)
    {
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(pageToken))
        {
            cts.CancelAfter(Ms(2000));                         // the whole load gets 2 s
            try
            {
                Settings settings = await _settings.GetAsync();      // ValueTask: cached
                Task<Profile> profile = _api.GetProfileAsync(cts.Token);
                Task<Order[]> orders = _api.GetOrdersAsync(cts.Token);
                await Task.WhenAll(profile, orders);                 // both at once
                Order[] loaded = await orders;                       // complete: no wait
                Charts charts = await Task.Run(
                    () => BuildCharts(settings, loaded, cts.Token), cts.Token);
                Show(await profile, charts);
            }
            catch (OperationCanceledException ex) when (!pageToken.IsCancellationRequested)
            { Log(ex); ShowMessage("The server is slow, please try again."); }
            catch (HttpRequestException ex)
            { Log(ex); ShowError(ex.Message); }                  // observed, shown
        }
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("workflow", args);
        Variant("normal", page => { _api.OrdersMs = 900; _api.OrdersFail = false; return LoadDashboardAsync(page); }, root: "CancelAfter(2 s)");
        Variant("slow-server", page => { _api.OrdersMs = 3000; _api.OrdersFail = false; return LoadDashboardAsync(page); }, root: "CancelAfter(2 s)");
        Variant("orders-fail", page => { _api.OrdersMs = 900; _api.OrdersFail = true; return LoadDashboardAsync(page); }, root: "CancelAfter(2 s)");
        // The page's token is cancelled after 500 ms: the user leaves.
        Variant("user-leaves", page => { _api.OrdersMs = 900; _api.OrdersFail = false; return LoadDashboardAsync(page); }, 500, root: "CancelAfter(2 s)");
        Finish();
    }
}
