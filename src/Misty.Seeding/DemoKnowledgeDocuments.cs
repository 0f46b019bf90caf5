namespace Misty.Seeding;

/// <summary>
/// The store's staff documents in the demo data: FAQ answers, policies, the grading guide, shipping and returns.
/// benchmarks/Misty.Benchmarks/Knowledge/questions.tsv asks about them in other words.
/// </summary>
public static class DemoKnowledgeDocuments
{
    public static readonly IReadOnlyList<SeedDocument> All =
    [
        new("returns", "policy", "Returns policy",
            "Customers may return any record within 30 days of delivery for a full refund, provided it is in the condition it was sold in. Sealed records must come back sealed. " +
            "Opened records are accepted when the grade has not dropped; staff re-grade every returned record before it goes back on the shelf.\n" +
            "The customer pays return postage unless the record was faulty or we sent the wrong item, in which case we email a prepaid label. " +
            "Past 30 days we offer store credit instead of a refund, and a manager may approve a goodwill exception.", ["returns", "refunds"]),
        new("warped", "policy", "Warped and faulty records",
            "A record that arrives warped, dished or with a pressing fault such as non-fill, skips or loud surface noise on a new pressing counts as faulty. " +
            "Ask the customer for a photo or a short video showing the warp or the skip. For new records we send a replacement copy at our cost; if none is in stock we refund in full. " +
            "Used records sold at VG+ or better that play with a skip also get a full refund. Faulty records do not need to be returned within 30 days: the window is 60 days.", ["returns", "faulty", "warp"]),
        new("refund-timing", "policy", "When refunds are paid",
            "Refunds go back to the original payment method. Card refunds are issued the same working day the returned record is checked in and take three to five working days to show on the statement. " +
            "Bank transfer refunds take up to seven working days. Cash purchases made in store are refunded in cash or as store credit. " +
            "Shipping charges are refunded only when the whole order is returned because of our mistake.", ["refunds", "payments"]),
        new("shipping-rates", "policy", "Domestic shipping rates",
            "Orders within the country ship by tracked post for 4.95 per order. Orders of 75 or more ship free. Express next-day delivery costs 12.50 and must be ordered before 2 pm. " +
            "Every order ships with tracking; the tracking number is emailed when the parcel leaves the shop.", ["shipping"]),
        new("international", "policy", "International shipping and customs",
            "We ship to most countries worldwide with tracked international post. Rates are calculated at checkout by weight: one LP to Europe costs about 14, to North America about 22. " +
            "Import duties, VAT and customs fees charged by the destination country are paid by the customer on arrival and are not refunded by us. " +
            "Parcels to some countries take up to four weeks; we cannot speed up customs clearance.", ["shipping", "customs"]),
        new("packing", "guide", "How we pack records for shipping",
            "Records ship in rigid corrugated mailers with cardboard stiffeners on both sides. Take each disc out of its outer jacket and ship it in its inner sleeve beside the jacket, so the disc cannot split the seams in transit. " +
            "Add the stiffeners, close the mailer with tape on every edge, and mark it Do Not Bend. Boxes of more than five LPs go in a double-walled carton with corner protectors.", ["shipping", "packing"]),
        new("lost-parcels", "policy", "Lost parcels",
            "A domestic parcel that shows no tracking movement for seven working days, or an international one after fifteen, is treated as lost. " +
            "Open a claim with the carrier, then offer the customer a replacement if we have another copy, or a full refund including shipping. " +
            "Do not wait for the carrier's claim to be settled before helping the customer. If the tracking says delivered but the customer has nothing, ask them to check with neighbours and the building's mail room, then wait two days before treating it as lost.", ["shipping", "lost"]),
        new("transit-damage", "policy", "Damage in transit",
            "When a parcel arrives crushed or a record is cracked or broken, ask the customer to keep the packaging and send photos of the box and the record. " +
            "We send a replacement or refund straight away and file the damage claim with the carrier ourselves. A cracked jacket on a used record counts too if it was not listed in the grading notes.", ["shipping", "damage"]),
        new("grading", "guide", "Grading guide: the Goldmine scale",
            "We grade used vinyl on the Goldmine scale. M (mint) is for sealed, never played copies only. NM (near mint) looks and plays as new, with no visible marks. " +
            "VG+ (very good plus) shows light scuffs or faint hairlines that do not affect play. VG (very good) has noticeable surface noise in quiet passages and light scratches you can feel. " +
            "G+ and G (good) play through with constant noise but no skips. F (fair) and P (poor) are for records that skip or are cracked, sold only when rare.\n" +
            "Grade the disc and the jacket separately, and always under a bright light; when in doubt, grade down.", ["grading", "condition"]),
        new("sleeve-grading", "guide", "Grading covers and sleeves",
            "The jacket gets its own grade. Note ring wear, seam splits, writing, stickers, cut-outs and saw marks, and water damage. " +
            "A cut corner or a drill hole means the copy was sold off as surplus: mention it in the listing. Original inner sleeves, inserts and posters add value; list them when present and say when they are missing.", ["grading", "jackets"]),
        new("play-testing", "guide", "Play-testing used records",
            "Every used record graded VG or below, and every rare record, is play-tested before listing. Clean the record first, then listen to the start of each side, the quietest track, and the run-out. " +
            "Write down skips, jumps and sections of heavy crackle with the track and minute. A record that skips cannot be graded above G.", ["grading", "testing"]),
        new("preorders", "faq", "Pre-orders",
            "Pre-orders are charged when the order is placed and ship on the release date. If the label delays the release we email the customer with the new date, and the customer may cancel for a full refund at any time before it ships. " +
            "A pre-order combined with in-stock records ships together on the release date unless the customer asks to split it, which costs a second shipping charge.", ["orders", "preorders"]),
        new("gift-cards", "faq", "Gift cards",
            "Gift cards are sold in store and online from 10 to 500. They never expire and can be spent on anything in the shop, including pre-orders, but not on other gift cards. " +
            "A lost gift card can be replaced if the customer still has the receipt or the order email. Gift cards cannot be exchanged for cash.", ["payments", "gift cards"]),
        new("opening-hours", "faq", "Shop opening hours and location",
            "The shop is open Monday to Saturday from 10 am to 7 pm and on Sunday from noon to 5 pm. We close on public holidays except for Record Store Day. " +
            "Online orders placed on Sunday are packed on Monday morning. Customers can collect online orders from the counter for free; bring the order email and photo ID.", ["shop", "collection"]),
        new("buying-collections", "policy", "Buying used records and collections",
            "We buy used records and whole collections. Customers bring records in on weekdays before 4 pm; for collections of more than 300 records a buyer can visit. " +
            "We pay around a third of our resale price in cash, or half in store credit. We do not buy records graded below VG unless they are rare, and we do not buy bootlegs or counterfeits. " +
            "The seller must show photo ID; we keep a record of every purchase as the law requires.", ["buying", "trade-in"]),
        new("price-match", "policy", "Price matching",
            "We match the price of a new record sold by another independent shop or a major retailer, on the same pressing, in stock and shipped from the same country. " +
            "We do not match marketplace sellers, auction sites or used copies. Staff check the competitor's page before matching; the match applies to one copy per customer.", ["pricing"]),
        new("loyalty", "faq", "Loyalty stamps and members",
            "Customers collect one stamp for every 20 they spend. Ten stamps give 15 off the next purchase. Stamps are kept on the customer's account, so staff can look them up by email. " +
            "Members also get early access to Record Store Day lists and ten per cent off accessories.", ["loyalty"]),
        new("payment-methods", "faq", "Accepted payment methods",
            "Online we accept cards and bank transfer. In the shop we also accept cash and contactless. Orders paid by bank transfer are held for five working days and cancelled if the money has not arrived. " +
            "We do not take cheques or cryptocurrency. A card declined at checkout is never charged; ask the customer to contact their bank or try another card.", ["payments"]),
        new("cancellation", "faq", "Cancelling an order",
            "An order can be cancelled free of charge until it ships. Once a parcel has left the shop it can no longer be cancelled; the customer returns it under the returns policy instead. " +
            "Cancelled orders are refunded in full to the original payment method, and reserved stock goes back on sale at once.", ["orders", "cancellation"]),
        new("address-change", "faq", "Changing a delivery address",
            "The delivery address can be changed until the order ships. Staff update it on the order and check the new address belongs to the same customer if the order was flagged for fraud review. " +
            "After shipping we can ask the carrier to redirect, which is not always possible and may cost extra.", ["orders", "shipping"]),
        new("record-care", "guide", "Caring for vinyl",
            "Store records upright, never stacked flat, away from heat and sunlight. Handle discs by the edges and the label. " +
            "Clean with a carbon-fibre brush before each play; for deep cleaning use a record cleaning machine or a solution of distilled water with a little isopropyl alcohol. " +
            "Replace paper inner sleeves with anti-static ones, and keep the outer jacket in a polythene sleeve to stop ring wear.", ["care", "cleaning"]),
        new("rare-records", "policy", "Rare and high-value records",
            "Records flagged rare or valued above 500 are kept behind the counter. Before listing, two staff members check the matrix numbers in the run-out groove against known pressings to confirm it is an original and not a reissue or counterfeit. " +
            "Rare records ship insured by express courier with a signature on delivery, and orders for them are reviewed for fraud before shipping.", ["rare", "authentication"]),
        new("holds", "policy", "Holding records for customers",
            "Staff may hold records for a customer for up to seven days without payment. Longer holds need a deposit of a quarter of the price, kept for up to sixty days; the deposit is returned if the customer changes their mind within that time. " +
            "Rare records cannot be held without a deposit.", ["holds", "reservations"]),
        new("privacy", "policy", "Customer data and privacy",
            "We keep customer names, addresses, order history and messages only for running orders and support. Never read out or email a customer's details to anyone who cannot prove they are that customer. " +
            "A customer may ask for a copy of their data or for it to be deleted; pass the request to a manager, who answers within one month. Card numbers are never stored by the shop.", ["privacy", "data"]),
        new("fraud-review", "note", "Orders held for fraud review",
            "The system holds orders with a high fraud score for a manager to review. Check whether the shipping address matches the customer's history, whether the customer is new and ordering several expensive records, and whether payments failed before. " +
            "When in doubt, email the customer to confirm the order. An approved order is charged and ships as normal; a rejected one is cancelled and refunded, and the stock goes back on sale.", ["fraud", "orders"]),
        new("staff-discount", "note", "Staff discount",
            "Staff get thirty per cent off records and accessories for their own use, not for resale. Staff purchases are rung up by another staff member and recorded under the staff account. " +
            "The discount does not apply to rare records or Record Store Day releases during the first week.", ["staff"]),
        new("stock-counts", "note", "Stock counts",
            "We count one section of the shop each week, so the whole shop is counted every quarter. Count with the handheld scanner and compare against the system; a difference of more than two copies is recounted by a second person. " +
            "Adjust stock in the system with an adjustment entry and a reason such as damaged or missing; never edit quantities directly.", ["inventory"]),
        new("receiving", "guide", "Receiving supplier deliveries",
            "Check each delivery against the purchase order before signing: count the boxes, open them, and compare titles and quantities. Note damaged or missing items on the delivery note and photograph them. " +
            "Book received stock into the system the same day so that it shows as available online. Report shortages to the supplier within 48 hours.", ["inventory", "suppliers"]),
        new("escalation", "guide", "Handling complaints and escalation",
            "Answer every complaint within one working day, even if only to say we are looking into it. Apologise once, state what we will do and when. " +
            "Escalate to a manager when the customer is angry, mentions a chargeback or a lawyer, asks for more than 100 in compensation, or has complained twice before. Never argue about a customer's review in public.", ["support", "complaints"]),
        new("corporate", "policy", "Corporate and wholesale orders",
            "Businesses such as bars, cafes and film productions can order in bulk. Orders of twenty or more records get ten per cent off and can be paid by invoice within thirty days once a manager has approved the account. " +
            "Corporate orders cannot be returned unless faulty.", ["orders", "corporate"]),
        new("record-store-day", "note", "Record Store Day",
            "On Record Store Day the shop opens at 8 am. Exclusive releases are limited to one copy of each title per customer and are sold in the shop only, never held or reserved, and go online the following Monday if any are left. " +
            "Extra staff are on the rota from 7 am; the queue is managed outside with numbered tickets.", ["events"]),
        new("listening", "faq", "Listening to records before buying",
            "Customers can listen to any used record at the listening station by the counter before they buy it. Sealed new records are not opened for listening, but most new releases have a shop copy to try. " +
            "Staff put the record on for the customer and handle it themselves.", ["shop"]),
    ];
}
