// C# twin of tests/csharp/probes/when-all-order.json, a probe scenario: two of
// three WhenAll arguments fail, the second one first. await rethrows the
// first argument's error ("card declined"), not the first to happen.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class WhenAllOrderTwin
{
    static Task ChargeCardAsync() { return Fail(500, new InvalidOperationException("card declined")); }
    static Task ReserveStockAsync() { return Fail(200, new InvalidOperationException("out of stock")); }
    static Task SendReceiptAsync() { return Io(700); }

    // <lesson>
    static async Task CheckoutAsync()
    {
        Task all = Task.WhenAll(ChargeCardAsync(), ReserveStockAsync(), SendReceiptAsync());
        try { await all; }
        catch (Exception first) { Log(first); }    // "card declined": the first argument's
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("when-all-order", args);
        Variant("await", _ => CheckoutAsync());
        Finish();
    }
}
