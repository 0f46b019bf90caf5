using System.Collections.Concurrent;
using System.Globalization;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Notifications;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Orders;

public sealed class PostgresOrderStore(NpgsqlDataSource database, TimeProvider clock) : IOrderStore
{
    /// <summary>Carrier averages move slowly; each process reads them at most this often.</summary>
    private static readonly TimeSpan TransitCacheTime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, (TimeSpan? Average, DateTimeOffset ReadAt)> _transit = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IReadOnlyDictionary<Guid, AlbumFacts>> LoadAlbumsAsync(IReadOnlyCollection<Guid> albumIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT a.album_id, a.price, a.is_rare, a.estimated_value, g.name
            FROM albums a LEFT JOIN genres g ON g.genre_id = a.genre_id
            WHERE a.album_id = ANY(@ids) AND a.deleted_at IS NULL
            """);
        command.Parameters.AddWithValue("ids", albumIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var albums = new Dictionary<Guid, AlbumFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            albums[id] = new AlbumFacts(id, reader.GetDecimal(1), reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetDecimal(3), reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return albums;
    }

    public async Task<string> NextOrderNumberAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT nextval('order_number_seq')");
        var number = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return string.Create(CultureInfo.InvariantCulture, $"MST-{at.UtcDateTime.Year}-{number:D6}");
    }

    public async Task<OrderState?> LoadOrderAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(
            """
            SELECT order_number, customer_id, subtotal, tax, shipping_fee, total, status::text, channel::text, shipping_address,
                   order_date, updated_at, version
            FROM orders WHERE order_id = @id
            """, orderId));
        batch.BatchCommands.Add(Command(
            """
            SELECT i.order_item_id, i.album_id, i.quantity, i.unit_price, i.discount, i.total, g.name
            FROM order_items i JOIN albums a ON a.album_id = i.album_id LEFT JOIN genres g ON g.genre_id = a.genre_id
            WHERE i.order_id = @id ORDER BY i.created_at, i.order_item_id
            """, orderId));
        batch.BatchCommands.Add(Command(
            """
            SELECT payment_id, amount, payment_method::text, status::text, transaction_id, fraud_flagged, fraud_score, payment_date, created_at
            FROM payments WHERE order_id = @id ORDER BY created_at, payment_id
            """, orderId));
        batch.BatchCommands.Add(Command(
            """
            SELECT shipment_id, carrier, tracking_number, status::text, shipped_date, estimated_delivery, actual_delivery, created_at
            FROM shipments WHERE order_id = @id ORDER BY created_at, shipment_id
            """, orderId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var order = ReadOrder(reader);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            order.Lines.Add(new OrderLineRecord(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetDecimal(3),
                reader.GetDecimal(4), reader.GetDecimal(5), NullableString(reader, 6)));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            order.Payments.Add(ReadPayment(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            order.Shipments.Add(ReadShipment(reader));
        }

        return order;
    }

    public async Task<Guid?> FindOrderOfPartAsync(Guid partId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT order_id FROM payments WHERE payment_id = @id
            UNION ALL
            SELECT order_id FROM shipments WHERE shipment_id = @id
            LIMIT 1
            """);
        command.Parameters.AddWithValue("id", partId);
        return await command.ExecuteScalarAsync(cancellationToken) is Guid orderId ? orderId : null;
    }

    public async Task<TimeSpan?> AverageTransitAsync(string carrier, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_transit.TryGetValue(carrier, out var cached) && now - cached.ReadAt < TransitCacheTime)
        {
            return cached.Average;
        }

        await using var command = database.CreateCommand(
            """
            SELECT extract(epoch FROM avg(actual_delivery - shipped_date))::float8
            FROM shipments
            WHERE carrier = @carrier AND actual_delivery IS NOT NULL AND shipped_date IS NOT NULL AND actual_delivery > shipped_date
            """);
        command.Parameters.AddWithValue("carrier", carrier);
        var average = await command.ExecuteScalarAsync(cancellationToken) is double seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        _transit[carrier] = (average, now);
        return average;
    }

    public async Task ProjectAsync(Guid orderId, OrderState order, bool overwrite, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // Only a newer version may overwrite a row: replays and late projections change nothing.
            var upsertOrder = new NpgsqlBatchCommand(
                """
                INSERT INTO orders (order_id, order_number, customer_id, subtotal, tax, shipping_fee, total, status, channel,
                                    shipping_address, order_date, created_at, updated_at, version)
                VALUES (@order, @number, @customer, @subtotal, @tax, @shipping, @total, @status::order_status, @channel::sales_channel,
                        @address, @date, @date, @updated, @version)
                ON CONFLICT (order_id) DO UPDATE SET
                    subtotal = EXCLUDED.subtotal, tax = EXCLUDED.tax, shipping_fee = EXCLUDED.shipping_fee, total = EXCLUDED.total,
                    status = EXCLUDED.status, shipping_address = EXCLUDED.shipping_address, updated_at = EXCLUDED.updated_at,
                    version = EXCLUDED.version
                WHERE orders.version < EXCLUDED.version OR @overwrite
                """);
            upsertOrder.Parameters.AddWithValue("order", orderId);
            upsertOrder.Parameters.AddWithValue("number", order.OrderNumber);
            upsertOrder.Parameters.AddWithValue("customer", order.CustomerId);
            upsertOrder.Parameters.AddWithValue("subtotal", order.Subtotal);
            upsertOrder.Parameters.AddWithValue("tax", order.Tax);
            upsertOrder.Parameters.AddWithValue("shipping", order.ShippingFee);
            upsertOrder.Parameters.AddWithValue("total", order.Total);
            upsertOrder.Parameters.AddWithValue("status", SchemaNames.Of(order.Status));
            upsertOrder.Parameters.AddWithValue("channel", SchemaNames.Of(order.Channel));
            upsertOrder.Parameters.Add(Nullable("address", NpgsqlDbType.Text, order.ShippingAddress));
            upsertOrder.Parameters.AddWithValue("date", order.OrderDate);
            upsertOrder.Parameters.AddWithValue("updated", order.UpdatedAt);
            upsertOrder.Parameters.AddWithValue("version", order.Version);
            upsertOrder.Parameters.AddWithValue("overwrite", overwrite);
            batch.BatchCommands.Add(upsertOrder);
            foreach (var line in order.Lines)
            {
                batch.BatchCommands.Add(LineCommand(orderId, order, line, overwrite));
            }

            foreach (var payment in order.Payments)
            {
                batch.BatchCommands.Add(PaymentCommand(orderId, order, payment, overwrite));
            }

            foreach (var shipment in order.Shipments)
            {
                batch.BatchCommands.Add(ShipmentCommand(orderId, order, shipment, overwrite));
            }

            if (!overwrite)
            {
                // The customer's emails commit with the rows of the change that owes them (a rebuild sends none).
                NotificationRows.AddTo(batch, OrderNotifications.Derive(orderId, order, clock.GetUtcNow(), NotificationRows.Horizon));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand LineCommand(Guid orderId, OrderState order, OrderLineRecord line, bool overwrite)
    {
        // Lines never change once the order exists; a rebuild still rewrites them.
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO order_items (order_item_id, order_id, album_id, quantity, unit_price, discount, total, created_at)
            VALUES (@id, @order, @album, @quantity, @price, @discount, @total, @at)
            ON CONFLICT (order_item_id) DO UPDATE SET
                quantity = EXCLUDED.quantity, unit_price = EXCLUDED.unit_price, discount = EXCLUDED.discount, total = EXCLUDED.total
            WHERE @overwrite
            """);
        command.Parameters.AddWithValue("id", line.OrderItemId);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("album", line.AlbumId);
        command.Parameters.AddWithValue("quantity", line.Quantity);
        command.Parameters.AddWithValue("price", line.UnitPrice);
        command.Parameters.AddWithValue("discount", line.Discount);
        command.Parameters.AddWithValue("total", line.Total);
        command.Parameters.AddWithValue("at", order.OrderDate);
        command.Parameters.AddWithValue("overwrite", overwrite);
        return command;
    }

    private static NpgsqlBatchCommand PaymentCommand(Guid orderId, OrderState order, PaymentRecord payment, bool overwrite)
    {
        // A part's row carries the version of the order state it was projected from.
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO payments (payment_id, order_id, amount, payment_method, status, transaction_id, fraud_flagged, fraud_score,
                                  payment_date, created_at, updated_at, version)
            VALUES (@id, @order, @amount, @method::payment_method, @status::payment_status, @transaction, @flagged, @score,
                    @paid, @created, @updated, @version)
            ON CONFLICT (payment_id) DO UPDATE SET
                status = EXCLUDED.status, transaction_id = EXCLUDED.transaction_id, fraud_flagged = EXCLUDED.fraud_flagged,
                fraud_score = EXCLUDED.fraud_score, payment_date = EXCLUDED.payment_date, updated_at = EXCLUDED.updated_at,
                version = EXCLUDED.version
            WHERE payments.version < EXCLUDED.version OR @overwrite
            """);
        command.Parameters.AddWithValue("id", payment.PaymentId);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("amount", payment.Amount);
        command.Parameters.AddWithValue("method", SchemaNames.Of(payment.Method));
        command.Parameters.AddWithValue("status", SchemaNames.Of(payment.Status));
        command.Parameters.Add(Nullable("transaction", NpgsqlDbType.Varchar, payment.TransactionId));
        command.Parameters.AddWithValue("flagged", payment.FraudFlagged);
        command.Parameters.AddWithValue("score", payment.FraudScore);
        command.Parameters.Add(Nullable("paid", NpgsqlDbType.TimestampTz, payment.PaymentDate));
        command.Parameters.AddWithValue("created", payment.CreatedAt);
        command.Parameters.AddWithValue("updated", order.UpdatedAt);
        command.Parameters.AddWithValue("version", order.Version);
        command.Parameters.AddWithValue("overwrite", overwrite);
        return command;
    }

    private static NpgsqlBatchCommand ShipmentCommand(Guid orderId, OrderState order, ShipmentRecord shipment, bool overwrite)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO shipments (shipment_id, order_id, tracking_number, carrier, status, shipped_date, estimated_delivery,
                                   actual_delivery, created_at, updated_at, version)
            VALUES (@id, @order, @tracking, @carrier, @status::shipment_status, @shipped, @estimated, @delivered, @created, @updated, @version)
            ON CONFLICT (shipment_id) DO UPDATE SET
                tracking_number = EXCLUDED.tracking_number, carrier = EXCLUDED.carrier, status = EXCLUDED.status,
                shipped_date = EXCLUDED.shipped_date, estimated_delivery = EXCLUDED.estimated_delivery,
                actual_delivery = EXCLUDED.actual_delivery, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
            WHERE shipments.version < EXCLUDED.version OR @overwrite
            """);
        command.Parameters.AddWithValue("id", shipment.ShipmentId);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.Add(Nullable("tracking", NpgsqlDbType.Varchar, shipment.TrackingNumber));
        command.Parameters.Add(Nullable("carrier", NpgsqlDbType.Varchar, shipment.Carrier));
        command.Parameters.AddWithValue("status", SchemaNames.Of(shipment.Status));
        command.Parameters.Add(Nullable("shipped", NpgsqlDbType.TimestampTz, shipment.ShippedDate));
        command.Parameters.Add(Nullable("estimated", NpgsqlDbType.TimestampTz, shipment.EstimatedDelivery));
        command.Parameters.Add(Nullable("delivered", NpgsqlDbType.TimestampTz, shipment.ActualDelivery));
        command.Parameters.AddWithValue("created", shipment.CreatedAt);
        command.Parameters.AddWithValue("updated", order.UpdatedAt);
        command.Parameters.AddWithValue("version", order.Version);
        command.Parameters.AddWithValue("overwrite", overwrite);
        return command;
    }

    private static OrderState ReadOrder(NpgsqlDataReader reader)
    {
        var status = SchemaNames.Parse<OrderStatus>(reader.GetString(6));
        var channel = SchemaNames.Parse<SalesChannel>(reader.GetString(7));
        return new OrderState
        {
            Exists = true,
            OrderNumber = reader.GetString(0),
            CustomerId = reader.GetGuid(1),
            Subtotal = reader.GetDecimal(2),
            Tax = reader.GetDecimal(3),
            ShippingFee = reader.GetDecimal(4),
            Total = reader.GetDecimal(5),
            Status = status,
            Channel = channel,
            ShippingAddress = NullableString(reader, 8),
            OrderDate = reader.GetFieldValue<DateTimeOffset>(9),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(10),
            Version = reader.GetInt64(11),
            // Orders that exist only as rows took their stock when they were placed; cancelled ones put it back.
            Stock = status == OrderStatus.Cancelled ? OrderStock.None : OrderStock.Sold,
        };
    }

    private static PaymentRecord ReadPayment(NpgsqlDataReader reader)
    {
        var method = SchemaNames.Parse<PaymentMethod>(reader.GetString(2));
        var status = SchemaNames.Parse<PaymentStatus>(reader.GetString(3));
        return new PaymentRecord(reader.GetGuid(0), reader.GetDecimal(1), method, status, NullableString(reader, 4), reader.GetBoolean(5),
            reader.IsDBNull(6) ? 0 : reader.GetDecimal(6), [], NullableTime(reader, 7), reader.GetFieldValue<DateTimeOffset>(8), null, null);
    }

    private static ShipmentRecord ReadShipment(NpgsqlDataReader reader)
    {
        var status = SchemaNames.Parse<ShipmentStatus>(reader.GetString(3));
        return new ShipmentRecord(reader.GetGuid(0), NullableString(reader, 1), NullableString(reader, 2), status, NullableTime(reader, 4),
            NullableTime(reader, 5), NullableTime(reader, 6), reader.GetFieldValue<DateTimeOffset>(7));
    }

    private static NpgsqlBatchCommand Command(string sql, Guid orderId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("id", orderId);
        return command;
    }

    private static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
