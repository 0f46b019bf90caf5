-- Numbers of orders placed through Misty, "MST-<year>-<nnnnnn>": one sequence for the whole cluster, so no two silos
-- ever give out the same number (a number taken by a request that then fails is skipped, never reused). Seeded orders
-- are numbered "ORD-yyMMdd-nnnn", so the two kinds never collide.
CREATE SEQUENCE order_number_seq AS bigint START WITH 1 NO CYCLE;
