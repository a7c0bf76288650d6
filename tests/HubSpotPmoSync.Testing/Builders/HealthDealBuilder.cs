using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>A valid closed-won deal of 12,000.00 EUR.</summary>
public sealed class HealthDealBuilder
{
    private string _id = "d-1";
    private string _name = "Website relaunch";
    private decimal? _amount = 12_000m;
    private string? _currency = "EUR";
    private bool _won = true;
    private bool _archived;
    private DateTimeOffset? _amountChangedAt;

    public HealthDealBuilder WithId(string id)
    {
        _id = id;
        return this;
    }

    public HealthDealBuilder WithName(string name)
    {
        _name = name;
        return this;
    }

    public HealthDealBuilder WithAmount(decimal? amount, string? currency = "EUR")
    {
        _amount = amount;
        _currency = currency;
        return this;
    }

    public HealthDealBuilder Open()
    {
        _won = false;
        return this;
    }

    public HealthDealBuilder Archived()
    {
        _archived = true;
        return this;
    }

    public HealthDealBuilder WithAmountChangedAt(DateTimeOffset? at)
    {
        _amountChangedAt = at;
        return this;
    }

    public Deal Build() => new(_id, _name, "default", _won ? "closedwon" : "appointmentscheduled", _amount, _currency, null, null, _won, _archived, _amountChangedAt);
}
