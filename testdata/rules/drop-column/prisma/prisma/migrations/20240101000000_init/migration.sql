-- CreateTable
CREATE TABLE "Invoice" (
    "id" SERIAL NOT NULL,
    "total" INTEGER NOT NULL,
    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);
